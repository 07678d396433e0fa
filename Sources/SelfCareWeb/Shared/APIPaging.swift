import Hummingbird
import SelfCareServices

/// `offset` and `limit` of a list in the API: whole numbers, `offset` ≥ 0 and `limit` from 1 to the list's maximum; anything else
/// is refused with 400 naming the parameter.
func paging(_ request: Request, defaultLimit: Int, maximumLimit: Int = 1000) throws -> (offset: Int, limit: Int) {
    let query = request.uri.queryParameters
    func number(_ name: String, range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let text = query.get(name) else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw APIError(status: .badRequest, code: "invalid_parameter", key: "wholeNumber", values: [
                "name": name, "from": String(range.lowerBound), "to": String(range.upperBound), "value": text,
            ], field: name)
        }
        return parsed
    }
    return (try number("offset", range: 0...1_000_000, default: 0), try number("limit", range: 1...maximumLimit, default: defaultLimit))
}

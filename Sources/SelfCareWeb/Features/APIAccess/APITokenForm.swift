/// The form creating a personal API token: its name and a checkbox per scope.
struct APITokenForm: Decodable {
    let name: String
    let billsRead: Bool
    let usageRead: Bool
    let paymentsWrite: Bool
    let eventsWrite: Bool

    private enum CodingKeys: String, CodingKey {
        case name, billsRead, usageRead, paymentsWrite, eventsWrite
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        name = try fields.text(.name)
        billsRead = try !fields.text(.billsRead).isEmpty
        usageRead = try !fields.text(.usageRead).isEmpty
        paymentsWrite = try !fields.text(.paymentsWrite).isEmpty
        eventsWrite = try !fields.text(.eventsWrite).isEmpty
    }

    /// The scopes ticked, as the API names them.
    var scopes: [String] {
        (billsRead ? ["bills:read"] : []) + (usageRead ? ["usage:read"] : []) + (paymentsWrite ? ["payments:write"] : [])
            + (eventsWrite ? ["events:write"] : [])
    }
}

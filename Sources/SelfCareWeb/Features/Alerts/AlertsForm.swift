/// The alerts form of a line: thresholds typed as a list of percentages, a checkbox per channel, the spend limit.
struct AlertsForm: Decodable {
    let thresholds: String
    let sms: Bool
    let email: Bool
    let spendLimit: String

    private enum CodingKeys: String, CodingKey {
        case thresholds, sms, email, spendLimit
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        thresholds = try fields.text(.thresholds)
        sms = try !fields.text(.sms).isEmpty
        email = try !fields.text(.email).isEmpty
        spendLimit = try fields.text(.spendLimit)
    }

    var channels: [String] {
        (sms ? ["sms"] : []) + (email ? ["email"] : [])
    }
}

import Foundation
import SelfCareCore

/// The pay form: its idempotency key, and each bill or group bill ticked (`pay_<number>=on`) with the amount typed
/// for it (`amount_<number>`), in the order of their field names.
struct PaymentForm: Decodable {
    let idempotencyKey: String
    let choices: [Choice]

    /// A bill or group bill ticked, with what was typed in its amount field (trimmed) and what that asks for.
    struct Choice: Sendable {
        let number: String
        let typedAmount: String
        let amount: TypedAmount
    }

    /// What an amount field asks for: all that remains when left empty; text that is no amount is refused, never read
    /// as "all".
    enum TypedAmount: Sendable, Equatable {
        case allRemaining
        case amount(Money)
        case invalid
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldName.self)
        var fields: [String: String] = [:]
        for key in container.allKeys { fields[key.stringValue] = try container.text(key) }
        idempotencyKey = fields["idempotencyKey"] ?? ""
        choices = fields.sorted { $0.key < $1.key }.compactMap { name, value in
            guard name.hasPrefix("pay_"), value == "on" else { return nil }
            let number = String(name.dropFirst(4))
            let typed = (fields["amount_\(number)"] ?? "").trimmingCharacters(in: .whitespaces)
            return Choice(number: number, typedAmount: typed, amount: Self.amount(typed))
        }
    }

    /// `12.50`, `12,50`, `1 234,50` or `Rs 12.50` as money.
    private static func amount(_ typed: String) -> TypedAmount {
        guard !typed.isEmpty else { return .allRemaining }
        let decimal = typed.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "\u{00A0}", with: "")
            .replacingOccurrences(of: " ", with: "")
        guard let money = try? Money(decimal: decimal.hasPrefix("Rs") ? String(decimal.dropFirst(2)) : decimal) else { return .invalid }
        return .amount(money)
    }

    /// The name of any field of the form.
    private struct FieldName: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            nil
        }
    }
}

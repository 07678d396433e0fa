import Foundation

/// One row of the customers file (CONTRACT §2): a line, its account and its client.
public struct CustomerRow: Sendable, Hashable {
    public static let header = ["client_ref", "client_name", "client_kind", "contact_email", "contact_msisdn", "account_id", "msisdn", "plan_code", "activated_on"]

    public var client: Client
    /// The Account ID given in the file, or nil to have one generated.
    public var accountID: AccountID?
    public var line: Line

    /// Validates one row's fields; the error text names the field and what is wrong.
    public static func parse(_ fields: [String]) throws(RowError) -> CustomerRow {
        guard fields.count == header.count else {
            throw RowError("expected \(header.count) fields, found \(fields.count)")
        }
        let value = { (index: Int) in fields[index].trimmedSpaces }
        let reference = value(0)
        guard !reference.isEmpty else { throw RowError("client_ref is empty") }
        guard reference.count <= 64 else { throw RowError("client_ref is longer than 64 characters") }
        let name = value(1)
        guard !name.isEmpty else { throw RowError("client_name is empty") }
        guard let kind = ClientKind(rawValue: value(2)) else {
            throw RowError("client_kind '\(value(2))' is not individual, company or government")
        }
        let email = value(3)
        if !email.isEmpty, !EmailAddress.isPlausible(email) {
            throw RowError("contact_email '\(email)' is not an e-mail address")
        }
        var contact: MSISDN?
        if !value(4).isEmpty {
            do { contact = try MSISDN(value(4)) } catch { throw RowError("contact_msisdn: \(error.description)") }
        }
        var accountID: AccountID?
        if !value(5).isEmpty {
            do { accountID = try AccountID(value(5)) } catch { throw RowError("account_id: \(error.description)") }
        }
        let msisdn: MSISDN
        do { msisdn = try MSISDN(value(6)) } catch { throw RowError("msisdn: \(error.description)") }
        let plan = value(7)
        guard !plan.isEmpty else { throw RowError("plan_code is empty") }
        let activatedOn: CalendarDay
        do { activatedOn = try CalendarDay(value(8)) } catch { throw RowError("activated_on: \(error.description)") }
        return CustomerRow(
            client: Client(reference: reference, name: name, kind: kind, contactEmail: email.isEmpty ? nil : email, contactMSISDN: contact),
            accountID: accountID,
            line: Line(msisdn: msisdn, planCode: plan, activatedOn: activatedOn))
    }
}

/// A light e-mail address check: one `@`, a dot in the domain, no spaces. Delivery is the real test.
public enum EmailAddress {
    public static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              text.unicodeScalars.count <= 254, !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else { return false }
        return true
    }
}

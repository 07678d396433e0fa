import Testing
@testable import SelfCareCore

/// CONTRACT §2: `client_ref,client_name,client_kind,contact_email,contact_msisdn,account_id,msisdn,plan_code,activated_on`.
@Suite("CustomerRow")
struct CustomerRowTests {
    static let validFields = [
        "C001", "Ramgoolam, Navin", "individual", "navin@example.mu", "5712 0000", "1234 5678 97", "+23057123456", "POST499",
        "2026-10-31",
    ]

    /// The valid row with one field replaced.
    static func fields(_ index: Int, _ value: String) -> [String] {
        var fields = validFields
        fields[index] = value
        return fields
    }

    @Test("the header is the contract's")
    func header() {
        // given
        // when
        let header = CustomerRow.header.joined(separator: ",")

        // then
        #expect(header == "client_ref,client_name,client_kind,contact_email,contact_msisdn,account_id,msisdn,plan_code,activated_on")
    }

    @Test("reads a full row")
    func fullRow() throws {
        // given
        let fields = Self.validFields

        // when
        let row = try CustomerRow.parse(fields)

        // then
        #expect(row.client == Client(
            reference: "C001", name: "Ramgoolam, Navin", kind: .individual, contactEmail: "navin@example.mu",
            contactMSISDN: try MSISDN("+23057120000")))
        #expect(row.accountID == (try AccountID("1234567897")))
        #expect(row.line == Line(msisdn: try MSISDN("+23057123456"), planCode: "POST499", activatedOn: Fixture.day("2026-10-31")))
    }

    @Test("optional fields may be empty; an empty account_id asks for a generated one")
    func optionalFieldsEmpty() throws {
        // given a company without contact details or Account ID, fields padded with spaces
        let fields = ["  C002 ", " Ministry of Finance ", "government", "", " ", "", " 5800 0001 ", "POST499", " 2026-01-15 "]

        // when
        let row = try CustomerRow.parse(fields)

        // then
        #expect(row.client.reference == "C002")
        #expect(row.client.name == "Ministry of Finance")
        #expect(row.client.kind == .government)
        #expect(row.client.contactEmail == nil)
        #expect(row.client.contactMSISDN == nil)
        #expect(row.accountID == nil)
        #expect(row.line.msisdn.e164 == "+23058000001")
        #expect(row.line.activatedOn == Fixture.day("2026-01-15"))
    }

    @Test("refuses a bad row with a reason naming the field", arguments: [
        (Array(validFields.prefix(8)), "expected 9 fields, found 8"),
        (fields(0, " "), "client_ref is empty"),
        (fields(0, String(repeating: "C", count: 65)), "client_ref is longer than 64 characters"),
        (fields(1, ""), "client_name is empty"),
        (fields(2, "person"), "client_kind 'person' is not individual, company or government"),
        (fields(2, "Company"), "client_kind 'Company'"),
        (fields(3, "navin.example.mu"), "contact_email 'navin.example.mu' is not an e-mail address"),
        (fields(4, "4712 0000"), "contact_msisdn:"),
        (fields(5, "1234 5678 98"), "account_id: the Account ID's check digit does not match"),
        (fields(5, "12345"), "account_id: an Account ID has 10 digits, not 5"),
        (fields(6, ""), "msisdn: mobile number is empty"),
        (fields(6, "5712 345"), "msisdn: a Mauritian mobile number has 8 digits after +230, not 7"),
        (fields(7, ""), "plan_code is empty"),
        (fields(8, "31/10/2026"), "activated_on:"),
        (fields(8, "2026-02-29"), "activated_on:"),
    ])
    func refusesBadRows(fields: [String], reason: String) {
        // given a wrong row
        // when
        let error = #expect(throws: RowError.self) { try CustomerRow.parse(fields) }

        // then the reason says what is wrong
        #expect(error?.reason.hasPrefix(reason) == true, "reason: \(error?.reason ?? "none")")
    }

    @Test("a plausible e-mail address", arguments: [
        ("navin@example.mu", true), ("a.b+c@mail.gov.mu", true),
        ("navin.example.mu", false), ("@example.mu", false), ("navin@localhost", false), ("navin@.mu", false),
        ("navin@example.", false), ("na vin@example.mu", false), ("a@b@example.mu", false), ("<navin@example.mu>", false),
        ("", false),
    ])
    func emailPlausibility(text: String, plausible: Bool) {
        // given an address
        // when
        let result = EmailAddress.isPlausible(text)

        // then
        #expect(result == plausible)
    }
}

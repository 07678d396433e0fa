import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Bills and group bills as PDF and CSV downloads, from the pages and the API: their totals are the bill's.
@Suite("Bill documents")
struct DocumentsTests {
    static let aline = Subscribers.aline.rawValue

    @Test("the bill PDF is an attachment, a valid PDF, and shows the total as the bill page does, in English and in French",
          .enabled(if: PDFTools.available, "needs pdftotext (poppler-utils)"), arguments: [Language.english, .french])
    func billPDF(language: Language) async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: language.rawValue)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let page = try await browser.get("/bills/\(bill.billNo)")

            // when
            let answer = try await browser.get("/bills/\(bill.billNo)/document?format=pdf")

            // then
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/pdf")
            #expect(answer.headers[.contentDisposition] == "attachment; filename=\"\(bill.billNo).pdf\"")
            let pdf = Data(answer.body.readableBytesView)
            #expect(pdf.starts(with: Data("%PDF-1.4".utf8)))
            let check = try PDFTools.check(pdf)
            #expect(check.status == 0, "\(check.output)")
            let text = try PDFTools.text(pdf, mode: .raw).normalizedSpaces
            let total = bill.total.formatted(language)
            #expect(page.text.contains(total))
            #expect(text.contains(total.normalizedSpaces))
            #expect(text.contains(language == .english ? "Total incl. VAT \(total.normalizedSpaces)" : "Total TTC \(total.normalizedSpaces)"))
            #expect(text.contains(Subscribers.aline.grouped))
            #expect(text.contains(bill.billNo))
            #expect(text.contains(language == .english ? "Itemised usage" : "Détail des communications"))
        }
    }

    @Test("the bill CSV: its total row is the bill's total, and its usage rows add up to the bill's usage charges")
    func billCSV() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)

            // when
            let answer = try await browser.get("/bills/\(bill.billNo)/document?format=csv")

            // then
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(answer.headers[.contentDisposition] == "attachment; filename=\"\(bill.billNo).csv\"")
            let table = try CSVRows(answer.text)
            #expect(table.header.first == "row_type" && table.header.suffix(2) == ["amount", "bundle"])
            #expect(table.amount("total") == bill.total)
            #expect(table.sum("usage") == bill.usageCharges)
            #expect(table.amount("monthly_fee") == bill.monthlyFee)
            #expect(table.amount("vat") == bill.vat)
            #expect(table.amount("remaining") == bill.remaining)
            #expect(table.rows("usage").count == Billing.octoberUsage.filter { $0[1] == Subscribers.alineLine.e164 }.count)
            #expect(table.rows.allSatisfy { $0["bill_no"] == bill.billNo })
        }
    }

    @Test("the group bill CSV: the member_total rows add up to the group total, one per member account")
    func groupBillCSV() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "en")
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)
            let members = try await portal.members(of: group)

            // when
            let answer = try await browser.get("/group-bills/\(group.groupBillNo)/document?format=csv")

            // then
            #expect(answer.status == .ok)
            let table = try CSVRows(answer.text)
            #expect(table.rows("member_total").count == Billing.companyAccountCount)
            #expect(table.rows("member_total").map { $0["account_id"]! } == members.map(\.accountID))
            #expect(table.sum("member_total") == group.total)
            #expect(table.amount("total") == group.total)
            #expect(table.sum("usage") == members.reduce(Money.zero) { $0 + $1.usageCharges })
            let companyLines = Set((Subscribers.companyLines + Billing.extraCompanyLines).map(\.e164))
            #expect(table.rows("usage").count == Billing.octoberUsage.filter { companyLines.contains($0[1]) }.count)
        }
    }

    @Test("the group bill PDF shows the group total and every member's", .enabled(if: PDFTools.available, "needs pdftotext (poppler-utils)"))
    func groupBillPDF() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "en")
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)
            let members = try await portal.members(of: group)

            // when
            let answer = try await browser.get("/group-bills/\(group.groupBillNo)/document?format=pdf")

            // then
            #expect(answer.headers[.contentType] == "application/pdf")
            let pdf = Data(answer.body.readableBytesView)
            let check = try PDFTools.check(pdf)
            #expect(check.status == 0, "\(check.output)")
            let text = try PDFTools.text(pdf, mode: .raw).normalizedSpaces
            #expect(text.contains("Total incl. VAT \(group.total.formatted(.english).normalizedSpaces)"))
            #expect(text.contains("Riviere Transport Ltd"))
            for member in members {
                #expect(text.contains("Account \(try AccountID(member.accountID).grouped)"), "\(member.accountID)'s records")
            }
        }
    }

    @Test("the API serves the same documents: CSV totals equal the bill's, PDF by default")
    func apiDocuments() async throws {
        try await Billing.withPortal { portal in
            // given
            let alineToken = try await portal.token(Self.aline)
            let companyToken = try await portal.token(Subscribers.companyClientID.rawValue)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)

            // when
            let csv = try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)/document?format=csv", token: alineToken)
            let pdf = try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)/document", token: alineToken)
            let groupCSV = try await portal.api(.get, "/api/v1/groupBill/\(group.groupBillNo)/document?format=csv", token: companyToken)

            // then
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let table = try CSVRows(csv.text)
            #expect(table.amount("total") == bill.total)
            #expect(table.sum("usage") == bill.usageCharges)
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            #expect(Data(pdf.body.readableBytesView).starts(with: Data("%PDF-".utf8)))
            let groupTable = try CSVRows(groupCSV.text)
            #expect(groupTable.sum("member_total") == group.total)
            #expect(groupTable.amount("total") == group.total)
        }
    }

    @Test("a format other than pdf or csv is 400, on the page and in the API")
    func badFormat() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let token = try await portal.token(Self.aline)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)

            // when
            let page = try await browser.get("/bills/\(bill.billNo)/document?format=docx")
            let api = try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)/document?format=xlsx", token: token)

            // then
            #expect(page.status == .badRequest)
            #expect(api.status == .badRequest)
            #expect(api.errorCode == "invalid_parameter")
            #expect(api.errorField == "format")
        }
    }
}


/// A bill CSV read back: header and rows by column name (quoted fields allowed).
struct CSVRows {
    var header: [String]
    var rows: [[String: String]]

    init(_ text: String) throws {
        var lines: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var previousWasQuote = false
        for scalar in text.unicodeScalars {
            if quoted {
                if scalar == "\"" { quoted = false; previousWasQuote = true } else { field.unicodeScalars.append(scalar) }
                continue
            }
            if scalar == "\"" {
                if previousWasQuote { field.unicodeScalars.append("\"") }
                quoted = true
                previousWasQuote = false
                continue
            }
            previousWasQuote = false
            switch scalar {
            case ",":
                row.append(field)
                field = ""
            case "\n":
                row.append(field)
                lines.append(row)
                row = []
                field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted, row.isEmpty, field.isEmpty, let header = lines.first else { throw PortalTestError("malformed CSV") }
        self.header = header
        rows = try lines.dropFirst().map { fields in
            guard fields.count == header.count else { throw PortalTestError("a row of \(fields.count) fields") }
            return Dictionary(uniqueKeysWithValues: zip(header, fields).map { ($0, $1) })
        }
    }

    func rows(_ type: String) -> [[String: String]] { rows.filter { $0["row_type"] == type } }

    /// The amount of the first row of `type`.
    func amount(_ type: String) -> Money? {
        rows(type).first.flatMap { try? Money(decimal: $0["amount"] ?? "") }
    }

    /// The sum of the amounts of every row of `type`.
    func sum(_ type: String) -> Money {
        rows(type).reduce(Money.zero) { $0 + ((try? Money(decimal: $1["amount"] ?? "")) ?? Money(cents: 1_000_000_000)) }
    }
}

import Foundation
import SelfCareCore
import SelfCareTestSupport
import Testing
@testable import SelfCareDocuments

/// The A4 bill: operator header, Account ID top-right, bill number, dates, summary and totals, then every record with
/// its charge over as many pages as needed, each numbered "n / N"; in French or English.
@Suite("Bill PDF", .enabled(if: PDFTools.available, "needs qpdf and pdftotext (poppler-utils)"))
struct BillPDFTests {
    /// 120 records fill the first page's lower half, the whole second page and part of a third.
    static let recordCount = 120

    /// The charges of the itemised record rows (`2026-10-03 10:02 … Rs 24.00`), in the order the document shows them.
    static func recordCharges(_ text: String, _ language: Language) -> [String] {
        let amount = language == .english ? #"(Rs [0-9,]+\.[0-9]{2})"# : #"([0-9 ]+,[0-9]{2} Rs)"#
        let pattern = try! Regex(#"^2026-10-[0-9]{2} [0-9]{2}:[0-9]{2} .*? "# + amount + "$")
        return text.normalizedLines.compactMap { line in
            (try? pattern.wholeMatch(in: line))?.output[1].substring.map(String.init)
        }
    }

    static func render(_ records: [UsageRecord], language: Language, paid: Money = .zero) async throws -> (Data, BillDocument, LineRating) {
        let (document, rating) = DocumentFixture.bill(records, paid: paid)
        let pdf = try await DocumentFixture.pdf(document, records: DocumentFixture.records(rating), language: language)
        return (pdf, document, rating)
    }

    @Test("a bill of many records is a valid PDF")
    func valid() async throws {
        // given
        let records = DocumentFixture.calls(Self.recordCount) + DocumentFixture.mixed

        // when
        let (pdf, _, _) = try await Self.render(records, language: .french)

        // then
        #expect(pdf.starts(with: Data("%PDF-1.4".utf8)))
        let check = try PDFTools.check(pdf)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("No syntax or stream encoding errors found"))
    }

    @Test("the first page shows the Account ID top-right, the bill number, the dates and the totals")
    func firstPage() async throws {
        // given
        let records = DocumentFixture.calls(Self.recordCount)

        // when
        let (pdf, document, _) = try await Self.render(records, language: .english)
        let layout = try PDFTools.pages(pdf, mode: .layout)
        let text = try PDFTools.pages(pdf, mode: .raw)[0].normalizedSpaces

        // then the Account ID is on the first line of the page, in its right half
        let firstLine = try #require(layout.first?.split(separator: "\n").first.map(String.init))
        let idPosition = try #require(firstLine.range(of: "1234 5678 06"))
        #expect(firstLine.contains("Account ID"))
        #expect(firstLine.distance(from: firstLine.startIndex, to: idPosition.lowerBound) > firstLine.count / 2)
        #expect(DocumentFixture.accountID.grouped == "1234 5678 06")
        // and the rest of the header and the summary
        for expected in [
            "Lagoon Mobile", "Bill number B202610-0000042", "Period October 2026", "Bill date 1 November 2026", "Due date 22 November 2026", "Aline Ramdin",
            "Number: +230 5710 0001", "Plan: Post Pay 499", "Monthly fee Rs 499.00",
            "Total excl. VAT \(document.amountExcludingVAT.formatted(.english))", "VAT 15% \(document.vat.formatted(.english))",
            "Total incl. VAT \(document.total.formatted(.english))", "Pay online by card at https://selfcare.example.mu or at a shop before 22 November 2026.",
            "Customer care: 8900",
        ] {
            #expect(text.contains(expected.normalizedSpaces), "\(expected) missing")
        }
        #expect(document.total == DocumentFixture.money("100761.85"))
        #expect(text.contains("Total incl. VAT Rs 100,761.85"))
    }

    @Test("every record is listed with its charge, in rating order")
    func everyRecordsCharge() async throws {
        // given records of every kind and one charge per call
        let records = DocumentFixture.calls(Self.recordCount) + DocumentFixture.mixed

        // when
        let (pdf, _, rating) = try await Self.render(records, language: .english)
        let charges = Self.recordCharges(try PDFTools.text(pdf, mode: .raw), .english)

        // then
        #expect(charges.count == records.count)
        #expect(charges == rating.records.map { $0.charge.formatted(.english).normalizedSpaces })
        #expect(charges.contains("Rs 1,440.00"))
    }

    @Test("the records run over three pages, numbered 1 / 3, 2 / 3, 3 / 3, each after the bill's running header")
    func pagesAndNumbers() async throws {
        // given
        let records = DocumentFixture.calls(Self.recordCount)

        // when
        let (pdf, _, rating) = try await Self.render(records, language: .english)
        let pages = try PDFTools.pages(pdf, mode: .raw)

        // then
        #expect(pages.count == 3)
        for (index, page) in pages.enumerated() {
            let text = page.normalizedSpaces
            #expect(text.contains("\(index + 1) / 3"), "page \(index + 1) has no page number")
            #expect(!Self.recordCharges(page, .english).isEmpty, "page \(index + 1) lists no record")
            if index > 0 {
                #expect(text.contains("Lagoon Mobile · Bill B202610-0000042"))
                #expect(text.contains("Account ID 1234 5678 06"))
                #expect(text.contains("Date Type Destination Duration / volume"))
            }
        }
        let perPage = pages.map { Self.recordCharges($0, .english).count }
        #expect(perPage.reduce(0, +) == rating.records.count)
        #expect(perPage[1] > perPage[0])
    }

    @Test("in French: French labels and amounts")
    func french() async throws {
        // given
        let records = DocumentFixture.calls(Self.recordCount) + DocumentFixture.mixed

        // when
        let (pdf, document, rating) = try await Self.render(records, language: .french)
        let text = try PDFTools.text(pdf, mode: .raw).normalizedSpaces
        let charges = Self.recordCharges(try PDFTools.text(pdf, mode: .raw), .french)

        // then
        for expected in [
            "Facture", "Identifiant de Compte", "1234 5678 06", "N° de facture B202610-0000042", "Période octobre 2026", "Échéance 22 novembre 2026",
            "Abonnement mensuel 499,00 Rs", "Total HT \(document.amountExcludingVAT.formatted(.french))",
            "TVA 15 % \(document.vat.formatted(.french))", "Total TTC \(document.total.formatted(.french))", "Détail des communications",
            "Service client : 8900", "Appel international", "Internet roaming",
        ] {
            #expect(text.contains(expected.normalizedSpaces), "\(expected) missing")
        }
        #expect(!text.contains("Due date"))
        #expect(charges == rating.records.map { $0.charge.formatted(.french).normalizedSpaces })
        #expect(charges.contains("1 440,00 Rs"))
        let numbers = try PDFTools.pages(pdf, mode: .raw).map(\.normalizedSpaces)
        #expect(numbers.count == 3)
        #expect(numbers[2].contains("3 / 3"))
    }

    @Test("a bill part paid shows the payments and what is left to pay")
    func partPaid() async throws {
        // given
        let paid = DocumentFixture.money("100.00")

        // when
        let (pdf, document, _) = try await Self.render(DocumentFixture.mixed, language: .english, paid: paid)
        let text = try PDFTools.text(pdf, mode: .raw).normalizedSpaces

        // then
        #expect(text.contains("Payments received Rs 100.00"))
        #expect(text.contains("Left to pay \((document.total - paid).formatted(.english))".normalizedSpaces))
        #expect(try PDFTools.pages(pdf).count == 1)
    }

    @Test("a bill without usage says so, on one page")
    func noUsage() async throws {
        // when
        let (pdf, document, _) = try await Self.render([], language: .english)
        let pages = try PDFTools.pages(pdf, mode: .raw)

        // then
        #expect(pages.count == 1)
        #expect(pages[0].normalizedSpaces.contains("No usage in the period."))
        #expect(pages[0].normalizedSpaces.contains("Total incl. VAT Rs 573.85"))
        #expect(document.total == DocumentFixture.money("573.85"))
        #expect(pages[0].normalizedSpaces.contains("1 / 1"))
    }

    @Test("a group bill lists its member accounts with their totals, the client top-right, and each account's records")
    func groupBill() async throws {
        // given two member bills
        let second = AccountID(body: 323_456_783)
        let secondLine = try MSISDN("+23057200002")
        let (first, firstRating) = DocumentFixture.bill(DocumentFixture.mixed, billNo: "B202610-0000001")
        let (other, otherRating) = DocumentFixture.bill(DocumentFixture.calls(70, msisdn: secondLine), billNo: "B202610-0000002")
        var group = first
        group.isGroupBill = true
        group.billNo = "G202610-0000001"
        group.customerName = "Riviere Transport Ltd"
        group.clientReference = "C200"
        group.accountID = nil
        group.msisdn = nil
        group.planName = nil
        group.lines = []
        group.members = [
            .init(accountID: DocumentFixture.accountID, msisdn: DocumentFixture.line, billNo: first.billNo, monthlyFee: first.monthlyFee,
                  usageCharges: first.amountExcludingVAT - first.monthlyFee, vat: first.vat, total: first.total),
            .init(accountID: second, msisdn: secondLine, billNo: other.billNo, monthlyFee: other.monthlyFee,
                  usageCharges: other.amountExcludingVAT - other.monthlyFee, vat: other.vat, total: other.total),
        ]
        group.monthlyFee = first.monthlyFee + other.monthlyFee
        group.amountExcludingVAT = first.amountExcludingVAT + other.amountExcludingVAT
        group.vat = first.vat + other.vat
        group.total = first.total + other.total
        let records: ItemisedRecords = { each in
            try await each(DocumentFixture.accountID, DocumentFixture.line, firstRating.records)
            try await each(second, secondLine, otherRating.records)
        }

        // when
        let pdf = try await DocumentFixture.pdf(group, records: records, language: .english)
        let layout = try PDFTools.pages(pdf, mode: .layout)
        let text = try PDFTools.text(pdf, mode: .raw).normalizedSpaces
        let charges = Self.recordCharges(try PDFTools.text(pdf, mode: .raw), .english)

        // then
        let check = try PDFTools.check(pdf)
        #expect(check.status == 0, "\(check.output)")
        let firstLine = try #require(layout.first?.split(separator: "\n").first.map(String.init))
        #expect(firstLine.contains("Client") && firstLine.contains("C200"))
        #expect(text.contains("Group bill"))
        #expect(text.contains("Riviere Transport Ltd"))
        for (member, bill) in zip(group.members, [first, other]) {
            let amounts = [member.monthlyFee, member.usageCharges, bill.vat, bill.total].map { $0.formatted(.english) }
            #expect(text.contains("\(member.accountID.grouped) · \(member.msisdn.formatted) \(bill.billNo) \(amounts.joined(separator: " "))"
                .normalizedSpaces))
            #expect(text.contains("Fee \(amounts[0]) · charges \(amounts[1]) · VAT \(amounts[2]) · bill total \(amounts[3])".normalizedSpaces))
        }
        #expect(text.contains("Monthly fees 2 lines \(group.monthlyFee.formatted(.english))".normalizedSpaces))
        #expect(text.contains("Total incl. VAT \(group.total.formatted(.english))".normalizedSpaces))
        #expect(text.contains("the group's VAT is the sum of those amounts"))
        #expect(text.contains("Account 1234 5678 06 · +230 5710 0001"))
        #expect(text.contains("Account \(second.grouped) · +230 5720 0002"))
        #expect(charges == (firstRating.records + otherRating.records).map { $0.charge.formatted(.english).normalizedSpaces })
    }

    @Test("a group bill of 1,000 lines names every member bill, continued over pages, before the itemised records",
          .enabled(if: PDFTools.available, "needs qpdf and pdftotext (poppler-utils)"))
    func thousandMembers() async throws {
        // given a group of 1,000 member bills
        var (group, _) = DocumentFixture.bill([], billNo: "G202610-0000001")
        group.isGroupBill = true
        group.accountID = nil
        group.msisdn = nil
        group.planName = nil
        group.lines = []
        group.members = (1...1000).map { index in
            .init(accountID: AccountID(body: 500_000_000 + index), msisdn: try! MSISDN("+2305\(String(format: "%07d", index))"),
                  billNo: String(format: "B202610-%07d", index), monthlyFee: DocumentFixture.money("499.00"), usageCharges: .zero,
                  vat: DocumentFixture.money("74.85"), total: DocumentFixture.money("573.85"))
        }

        // when
        let pdf = try await DocumentFixture.pdf(group, records: { _ in }, language: .french)
        let pages = try PDFTools.pages(pdf, mode: .raw)
        let text = pages.joined(separator: "\n")

        // then every bill number is on a page, the list runs over several, and each page keeps its column heads
        let check = try PDFTools.check(pdf)
        #expect(check.status == 0, "\(check.output)")
        let missing = group.members.filter { !text.contains($0.billNo) }
        #expect(missing.isEmpty, "missing: \(missing.prefix(5).map(\.billNo))")
        #expect(pages.count > 10)
        #expect(pages.dropFirst().allSatisfy { $0.contains("N° de facture") })
    }
}

extension String {
    /// The lines of the text, each with its white space normalised.
    var normalizedLines: [String] {
        split(separator: "\n").map { String($0).normalizedSpaces }
    }
}

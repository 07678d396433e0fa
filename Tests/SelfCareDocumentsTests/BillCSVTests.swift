import Foundation
import SelfCareCore
import Synchronization
import Testing
@testable import SelfCareDocuments

/// The detailed bill as CSV: a header, one `usage` row per record with its charge, then summary rows; `1234.50` amounts.
@Suite("Bill CSV")
struct BillCSVTests {
    /// True for `1234.50`, `0.05`, `-3.10`.
    static func isPlainAmount(_ text: String) -> Bool {
        text.wholeMatch(of: /-?[0-9]+\.[0-9]{2}/) != nil
    }

    @Test("starts with the header row")
    func header() async throws {
        // given
        let (document, rating) = DocumentFixture.bill(DocumentFixture.mixed)

        // when
        let csv = try await DocumentFixture.csv(document, records: DocumentFixture.records(rating))

        // then
        let firstLine = try #require(csv.split(separator: "\n", omittingEmptySubsequences: false).first)
        #expect(firstLine == "row_type,bill_no,account_id,msisdn,started_at,usage_type,charge_class,destination,roaming_country,"
            + "quantity,unit,included_quantity,charged_quantity,amount,bundle")
        #expect(csv.hasSuffix("\n"))
    }

    @Test("one usage row per record, in rating order, with its charge")
    func oneRowPerRecord() async throws {
        // given
        let (document, rating) = DocumentFixture.bill(DocumentFixture.mixed)

        // when
        let table = try CSVTable(try await DocumentFixture.csv(document, records: DocumentFixture.records(rating)))

        // then
        let usage = table.rows("usage")
        #expect(usage.count == DocumentFixture.mixed.count)
        #expect(usage.map { $0["amount"] } == rating.records.map(\.charge.decimalString))
        #expect(usage.map { $0["started_at"] } == rating.records.map { Timestamp.format($0.record.startedAt) })
        #expect(usage.map { $0["charge_class"] } == rating.records.map(\.chargeClass.rawValue))
        #expect(usage.allSatisfy { $0["bill_no"] == "B202610-0000042" && $0["account_id"] == DocumentFixture.accountID.rawValue })
        #expect(usage.allSatisfy { $0["msisdn"] == "+23057100001" })
        let roaming = try #require(usage.first { $0["roaming_country"] == "FR" })
        #expect(roaming["usage_type"] == "voice" && roaming["charge_class"] == "voiceRoaming" && roaming["amount"] == "35.00")
        let partly = try #require(usage.first { $0["quantity"] == "12345678" })
        #expect(partly["unit"] == "byte")
        #expect(partly["included_quantity"] == "1000000")
        #expect(partly["charged_quantity"] == "11345678")
        #expect(partly["amount"] == "5.68")
        #expect(partly["bundle"] == "partly_in_bundle")
        #expect(usage.map { $0["bundle"] } == rating.records.map(\.bundleUse.rawValue))
        #expect(roaming["bundle"] == "out_of_bundle")
        #expect(usage.contains { $0["bundle"] == "in_bundle" })
    }

    @Test("summary rows follow the records: fee, usage per charge class, excl. VAT, VAT, total, paid, remaining")
    func summaryRows() async throws {
        // given a bill part paid
        let (document, rating) = DocumentFixture.bill(DocumentFixture.mixed, paid: DocumentFixture.money("100.00"))

        // when
        let table = try CSVTable(try await DocumentFixture.csv(document, records: DocumentFixture.records(rating)))

        // then
        let types = table.rows.map { $0["row_type"]! }
        let firstSummary = try #require(types.firstIndex { $0 != "usage" })
        #expect(types[..<firstSummary].allSatisfy { $0 == "usage" })
        #expect(Array(types[firstSummary...]) == ["monthly_fee"] + rating.lines.map { _ in "usage_total" }
            + ["amount_excl_vat", "vat", "total", "paid", "remaining"])
        #expect(table.rows("monthly_fee").first?["amount"] == "499.00")
        #expect(table.rows("usage_total").map { $0["charge_class"] } == rating.lines.map(\.chargeClass.rawValue))
        #expect(table.rows("usage_total").map { $0["amount"] } == rating.lines.map(\.amount.decimalString))
        #expect(table.rows("amount_excl_vat").first?["amount"] == document.amountExcludingVAT.decimalString)
        #expect(table.rows("vat").first?["amount"] == document.vat.decimalString)
        #expect(table.rows("total").first?["amount"] == document.total.decimalString)
        #expect(table.rows("paid").first?["amount"] == "100.00")
        #expect(table.rows("remaining").first?["amount"] == (document.total - DocumentFixture.money("100.00")).decimalString)
        #expect(table.rows("member_total").isEmpty)
    }

    @Test("the usage rows add up to the usage total, and the summary adds up to the total")
    func rowsAddUp() async throws {
        // given
        let (document, rating) = DocumentFixture.bill(DocumentFixture.mixed + DocumentFixture.calls(40))

        // when
        let table = try CSVTable(try await DocumentFixture.csv(document, records: DocumentFixture.records(rating)))

        // then
        func sum(_ rows: [[String: String]]) throws -> Money {
            try rows.reduce(Money.zero) { $0 + (try Money(decimal: $1["amount"] ?? "")) }
        }
        func amount(_ type: String) throws -> Money { try Money(decimal: table.rows(type).first?["amount"] ?? "") }
        #expect(try sum(table.rows("usage")) == rating.usageCharges)
        #expect(try sum(table.rows("usage_total")) == rating.usageCharges)
        #expect(try amount("monthly_fee") + sum(table.rows("usage")) == amount("amount_excl_vat"))
        #expect(try amount("amount_excl_vat") + amount("vat") == amount("total"))
        #expect(try amount("total") == document.total)
        #expect(try amount("vat") == amount("amount_excl_vat").percentage(15))
    }

    @Test("amounts are plain decimals with two places and no grouping: 1234.50")
    func amountFormat() async throws {
        // given a bill of more than a thousand rupees
        let (document, rating) = DocumentFixture.bill(DocumentFixture.calls(40))
        #expect(document.total.cents > 100_000)

        // when
        let table = try CSVTable(try await DocumentFixture.csv(document, records: DocumentFixture.records(rating)))

        // then
        #expect(table.rows.allSatisfy { Self.isPlainAmount($0["amount"] ?? "") })
        #expect(table.rows("usage").contains { $0["amount"] == "480.00" })
        #expect(table.rows("total").first?["amount"] == document.total.decimalString)
        #expect(table.rows("usage_total").first?["amount"] == "9840.00")
    }

    @Test("a field with a comma or a quote is quoted, and reads back whole")
    func escaping() async throws {
        // given a record whose destination holds a comma and quotes (no import would let it in; the writer must cope)
        let odd = UsageRecord(recordID: "X1", msisdn: DocumentFixture.line, type: .sms, startedAt: DocumentFixture.mauritius(3, 10),
                              destination: #"Paris, "Bureau""#)
        let (document, rating) = DocumentFixture.bill([odd])

        // when
        let csv = try await DocumentFixture.csv(document, records: DocumentFixture.records(rating))
        let table = try CSVTable(csv)

        // then
        #expect(csv.contains(#","Paris, ""Bureau""","#))
        #expect(table.rows("usage").first?["destination"] == #"Paris, "Bureau""#)
        #expect(table.rows("usage").first?["amount"] == "4.00")
    }

    @Test("a group bill has a member_total row per account and no fee row; the member totals add up to the total")
    func groupBill() async throws {
        // given two member accounts with their own records
        let second = AccountID(body: 323_456_783)
        let secondLine = try MSISDN("+23057200002")
        let (first, firstRating) = DocumentFixture.bill(DocumentFixture.mixed, billNo: "B202610-0000001")
        let (other, otherRating) = DocumentFixture.bill(DocumentFixture.calls(3, msisdn: secondLine), billNo: "B202610-0000002")
        var group = first
        group.isGroupBill = true
        group.billNo = "G202610-0000001"
        group.accountID = nil
        group.msisdn = nil
        group.lines = []
        group.members = [
            .init(accountID: DocumentFixture.accountID, msisdn: DocumentFixture.line, billNo: first.billNo, monthlyFee: first.monthlyFee,
                  usageCharges: first.amountExcludingVAT - first.monthlyFee, vat: first.vat, total: first.total),
            .init(accountID: second, msisdn: secondLine, billNo: other.billNo, monthlyFee: other.monthlyFee,
                  usageCharges: other.amountExcludingVAT - other.monthlyFee, vat: other.vat, total: other.total),
        ]
        group.amountExcludingVAT = first.amountExcludingVAT + other.amountExcludingVAT
        group.vat = first.vat + other.vat
        group.total = first.total + other.total
        let records: ItemisedRecords = { each in
            try await each(DocumentFixture.accountID, DocumentFixture.line, firstRating.records)
            try await each(second, secondLine, otherRating.records)
        }

        // when
        let table = try CSVTable(try await DocumentFixture.csv(group, records: records))

        // then
        let members = table.rows("member_total")
        #expect(members.map { $0["account_id"] } == [DocumentFixture.accountID.rawValue, second.rawValue])
        #expect(members.map { $0["amount"] } == [first.total.decimalString, other.total.decimalString])
        let memberSum = try members.reduce(Money.zero) { $0 + (try Money(decimal: $1["amount"]!)) }
        #expect(memberSum.decimalString == table.rows("total").first?["amount"])
        #expect(table.rows("monthly_fee").isEmpty)
        #expect(table.rows("usage").count == DocumentFixture.mixed.count + 3)
        #expect(table.rows("usage").filter { $0["account_id"] == second.rawValue }.allSatisfy { $0["msisdn"] == "+23057200002" })
        #expect(table.rows.allSatisfy { $0["bill_no"] == "G202610-0000001" })
    }

    @Test("it is streamed: the header is out before the first record is read, and each account is written as it comes")
    func streamed() async throws {
        // given
        let (document, rating) = DocumentFixture.bill(DocumentFixture.mixed)
        let written = Mutex<[String]>([])
        let seenWhenReading = Mutex<[Int]>([])
        let records: ItemisedRecords = { each in
            for _ in 0..<3 {
                seenWhenReading.withLock { $0.append(written.withLock { $0.count }) }
                try await each(DocumentFixture.accountID, DocumentFixture.line, rating.records)
            }
        }

        // when
        try await BillCSV.write(document, records: records) { text in written.withLock { $0.append(text) } }

        // then
        #expect(seenWhenReading.withLock { $0 } == [1, 2, 3])
        #expect(written.withLock { $0.count } == 5)
    }
}

import Crypto
import Foundation
import SelfCareCore
import Synchronization
import Testing
@testable import SelfCareDocuments

/// The documents' exact bytes, pinned by SHA-256: a change of the PDF code that alters what a customer gets fails here.
/// The digests were taken from the writer before it was made faster; they change only with an intended change of layout
/// (or of the shared fixtures).
@Suite("Document digests")
struct DocumentDigestTests {
    /// 10,000 records of every kind: national, international and roaming calls, SMS and data, charged and included.
    static let manyRecords: [UsageRecord] = (0..<10_000).map { index in
        let destinations = ["+23057300001", "+23042512345", "+33142685300", "+919820012345", "+442071234567", "+12125550100"]
        let roaming = index % 11 == 0 ? ["FR", "ZA", "IN", "GB"][index / 11 % 4] : nil
        let startedAt = DocumentFixture.mauritius(1, 0).addingTimeInterval(Double(index * 259))
        let msisdn = DocumentFixture.line
        switch index % 3 {
        case 0:
            return UsageRecord(recordID: "V\(index)", msisdn: msisdn, type: .voice, startedAt: startedAt,
                               durationSeconds: Int64(1 + index * 37 % 3_600), destination: destinations[index % 6], roamingCountry: roaming)
        case 1:
            return UsageRecord(recordID: "S\(index)", msisdn: msisdn, type: .sms, startedAt: startedAt,
                               destination: destinations[(index / 3) % 6], roamingCountry: roaming)
        default:
            return UsageRecord(recordID: "D\(index)", msisdn: msisdn, type: .data, startedAt: startedAt,
                               volumeBytes: Int64(1_000 + index * 7_919 % 50_000_000), roamingCountry: roaming)
        }
    }

    /// The bill of `records` for a customer whose name needs WinAnsi (accents, œ, typographic quotes) and escaping.
    static func bill(_ records: [UsageRecord]) -> (BillDocument, LineRating) {
        var (document, rating) = DocumentFixture.bill(records, paid: DocumentFixture.money("1250.75"))
        document.customerName = "Zoë Lefèvre-Ramdin (Œuvre “Étoile”) \\ Ñandú"
        document.planVersion = .init(number: 3, effectiveFrom: try! CalendarDay("2026-09-15"))
        return (document, rating)
    }

    @Test("a 10,000-record bill is the same PDF as before, byte for byte", arguments: [
        (Language.english, "af68cf16fb32facc984b9994eb6bef682644fefb932b73087604a4257751f798"),
        (Language.french, "be845b81f8bcb7952e0aaee4ceded42a916f56b7fe04f00481a49037b9335e1e"),
    ])
    func largeBill(language: Language, digest: String) async throws {
        // given
        let (document, rating) = Self.bill(Self.manyRecords)

        // when
        let pdf = try await DocumentFixture.pdf(document, records: DocumentFixture.records(rating), language: language)

        // then
        #expect(Digest.hex(pdf) == digest, "\(pdf.count) bytes")
    }

    @Test("a group bill with an account without usage and labels cut to fit is the same PDF as before, byte for byte")
    func groupBill() async throws {
        // given
        let second = AccountID(body: 323_456_783)
        let secondLine = try MSISDN("+23057200002")
        let (first, firstRating) = Self.bill(Array(Self.manyRecords.prefix(150)))
        var group = first
        group.isGroupBill = true
        group.billNo = "G202610-0000001"
        group.customerName = "Société Rivière & Fils (Île Maurice)"
        group.accountID = nil
        group.msisdn = nil
        group.planName = nil
        group.lines = []
        group.members = [
            .init(accountID: DocumentFixture.accountID, msisdn: DocumentFixture.line, billNo: first.billNo, monthlyFee: first.monthlyFee,
                  usageCharges: first.amountExcludingVAT - first.monthlyFee, vat: first.vat, total: first.total),
            .init(accountID: second, msisdn: secondLine, billNo: "B202610-0000002", monthlyFee: DocumentFixture.money("499.00"),
                  usageCharges: .zero, vat: DocumentFixture.money("74.85"), total: DocumentFixture.money("573.85")),
        ]
        let records: ItemisedRecords = { each in
            try await each(DocumentFixture.accountID, DocumentFixture.line, firstRating.records)
            try await each(second, secondLine, [])
        }
        let longer = [
            "document.short.voiceRoaming": "Appel en itinérance à l’étranger", "document.short.smsRoaming": "SMS en itinérance",
            "document.howToPayText": String(repeating: "Payez en ligne sur {portal} avant le {due} ; ", count: 4),
        ]
        let french = DocumentFixture.labels(.french)
        let out = Mutex(Data())

        // when
        try await BillPDF(language: .french, labels: { longer[$0] ?? french($0) }).write(group, records: records) { data in
            out.withLock { $0.append(data) }
        }
        let pdf = out.withLock { $0 }

        // then
        #expect(Digest.hex(pdf) == "10f6181a382cb74edcf9d98e080d05109ca7fe4c4025e61a7fee104759af9d89", "\(pdf.count) bytes")
    }

    @Test("a receipt is the same PDF as before, byte for byte", arguments: [
        (Language.english, "c863edb4781e76d0760b4d46b31317f8318cf76987caeaea5bfa6c4cd432880d"),
        (Language.french, "e95fd55790d71bbd10e199a84ec25bacb0cc54884388977afc33768b0ccd9d9b"),
    ])
    func receipt(language: Language, digest: String) throws {
        // given
        let receipt = ReceiptDocument(
            operatorName: "Lagoon Mobile", helpline: "8900", receiptNo: "R202611-0000007",
            issuedAt: Date(timeIntervalSince1970: 1_793_000_000), payerName: "Zoë O’Brien (Société \\ Œuvres)",
            amount: DocumentFixture.money("12345.67"), card: "visa •••• 4242", paymentID: "pay_8f3k2",
            allocations: [
                (billNo: "B202610-0000042", accountID: "1234 5678 06", amount: DocumentFixture.money("12000.00")),
                (billNo: "B202609-0000041", accountID: "1234 5678 06", amount: DocumentFixture.money("300.00")),
            ],
            credit: DocumentFixture.money("45.67"))
        let labels: [String: String] = [
            "receipt.title": "Reçu", "receipt.number": "N° de reçu", "receipt.date": "Date", "receipt.payer": "Payé par",
            "receipt.card": "Carte", "receipt.reference": "Référence", "receipt.amountPaid": "Montant payé",
            "receipt.appliedTo": "Affecté à", "receipt.bill": "Facture", "receipt.account": "compte", "receipt.credit": "Avoir",
            "receipt.thanks": "Merci ! Service client : {helpline} — « à votre écoute »",
        ]

        // when
        let pdf = try ReceiptPDF.render(receipt, language: language, labels: { labels[$0] ?? $0 })

        // then
        #expect(Digest.hex(pdf) == digest, "\(pdf.count) bytes")
    }

}

/// SHA-256 of a document as 64 lowercase hexadecimal digits.
enum Digest {
    static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

import Foundation
import SelfCareCore
import SelfCareTestSupport
import Synchronization
@testable import SelfCareDocuments

/// Test data for the bill documents: a plan, a line, rated records and the bill around them.
enum DocumentFixture {
    static func money(_ text: String) -> Money { try! Money(decimal: text) }

    static let period = try! BillingPeriod("2026-10")
    static let accountID = AccountID(body: 123_456_780)
    static let line = try! MSISDN("+23057100001")

    static let plan = TariffPlan(
        code: "POST499", name: "Post Pay 499", monthlyFee: money("499.00"),
        allowance: .init(voiceMinutes: 100, sms: 500, dataMB: 5000),
        rates: .init(
            voiceOnNetPerMinute: money("1.50"), voiceOffNetPerMinute: money("2.00"),
            smsNational: money("1.00"), smsInternational: money("4.00"), dataPerMB: money("0.50"),
            roamingVoicePerMinute: money("35.00"), roamingSms: money("10.00"), roamingDataPerMB: money("150.00"),
            internationalPerMinute: ["default": money("12.00"), "+33": money("8.00"), "+91": money("5.00")]),
        onNetPrefixes: ["+2305"])

    /// An instant in Mauritius time (UTC+4).
    static func mauritius(_ day: Int, _ hour: Int, _ minute: Int = 0, month: Int = 10) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 4 * 3600)!
        return calendar.date(from: DateComponents(year: 2026, month: month, day: day, hour: hour, minute: minute))!
    }

    /// `count` international calls of 1, 2, … `count` minutes at 12.00 a minute: every record has its own charge.
    static func calls(_ count: Int, msisdn: MSISDN = line) -> [UsageRecord] {
        (1...max(count, 1)).prefix(count).map { index in
            UsageRecord(recordID: String(format: "CALL%04d", index), msisdn: msisdn, type: .voice,
                        startedAt: mauritius(1 + index % 28, 8 + index % 12, index % 60), durationSeconds: Int64(index * 60),
                        destination: "+442071234567")
        }
    }

    /// A few records of every kind, some inside the allowance, some charged.
    static let mixed: [UsageRecord] = [
        UsageRecord(recordID: "V1", msisdn: line, type: .voice, startedAt: mauritius(2, 9), durationSeconds: 125, destination: "+23057300001"),
        UsageRecord(recordID: "V2", msisdn: line, type: .voice, startedAt: mauritius(3, 10), durationSeconds: 90, destination: "+33142685300"),
        UsageRecord(recordID: "V3", msisdn: line, type: .voice, startedAt: mauritius(4, 11), durationSeconds: 30, destination: "+23057300001",
                    roamingCountry: "FR"),
        UsageRecord(recordID: "S1", msisdn: line, type: .sms, startedAt: mauritius(5, 12), destination: "+23057300001"),
        UsageRecord(recordID: "S2", msisdn: line, type: .sms, startedAt: mauritius(6, 13), destination: "+919820012345"),
        UsageRecord(recordID: "D1", msisdn: line, type: .data, startedAt: mauritius(7, 14), volumeBytes: 4_999_000_000),
        UsageRecord(recordID: "D2", msisdn: line, type: .data, startedAt: mauritius(8, 15), volumeBytes: 12_345_678),
        UsageRecord(recordID: "D3", msisdn: line, type: .data, startedAt: mauritius(9, 16), volumeBytes: 2_000_000, roamingCountry: "ZA"),
    ]

    /// The bill of one line whose records are `records`, rated with `plan`.
    static func bill(_ records: [UsageRecord], paid: Money = .zero, billNo: String = "B202610-0000042") -> (BillDocument, LineRating) {
        let rating = UsageRater.rate(records, plan: plan)
        let amounts = BillAmounts(monthlyFee: plan.monthlyFee, rating: rating)
        let document = BillDocument(
            operatorName: "Lagoon Mobile", helpline: "8900", portalURL: "https://selfcare.example.mu", isGroupBill: false, billNo: billNo,
            period: period, billDate: BillAmounts.billDate(for: period), dueDate: BillAmounts.dueDate(for: period),
            customerName: "Aline Ramdin", accountID: accountID, msisdn: line, planName: plan.name, clientReference: "C100",
            monthlyFee: amounts.monthlyFee, lines: amounts.lines, amountExcludingVAT: amounts.amountExcludingVAT, vat: amounts.vat,
            total: amounts.total, paid: paid, members: [])
        return (document, rating)
    }

    /// The itemised records of one account.
    static func records(_ rating: LineRating, accountID: AccountID = accountID, msisdn: MSISDN = line) -> ItemisedRecords {
        let rated = rating.records
        return { each in try await each(accountID, msisdn, rated) }
    }

    /// The whole CSV of `document`.
    static func csv(_ document: BillDocument, records: @escaping ItemisedRecords) async throws -> String {
        let out = Mutex("")
        try await BillCSV.write(document, records: records) { text in out.withLock { $0 += text } }
        return out.withLock { $0 }
    }

    /// The whole PDF of `document`.
    static func pdf(_ document: BillDocument, records: @escaping ItemisedRecords, language: Language) async throws -> Data {
        let out = Mutex(Data())
        try await BillPDF(language: language, labels: labels(language)).write(document, records: records) { data in
            out.withLock { $0.append(data) }
        }
        return out.withLock { $0 }
    }

    /// The document labels of each language (as the portal's locale files have them); any other key reads as itself.
    static func labels(_ language: Language) -> BillPDF.Labels {
        let table: [String: String] = language == .french ? french : english
        return { key in table[key] ?? key }
    }

    static let french: [String: String] = [
        "document.billTitle": "Facture", "document.groupBillTitle": "Facture de groupe",
        "document.accountId": "Identifiant de Compte", "document.clientRef": "Client", "document.billNo": "N° de facture",
        "document.period": "Période", "document.billDate": "Date de facture", "document.dueDate": "Échéance",
        "document.number": "Numéro :", "document.plan": "Forfait :", "document.summary": "Résumé",
        "document.monthlyFee": "Abonnement mensuel", "document.charged": "facturé", "document.amountExclVat": "Total HT",
        "document.vat": "TVA 15 %", "document.total": "Total TTC", "document.paid": "Paiements reçus",
        "document.remaining": "Reste à payer", "document.howToPay": "Comment payer",
        "document.howToPayText": "Payez en ligne par carte sur {portal} ou en boutique avant le {due}.",
        "document.helpline": "Service client : {helpline}", "document.itemised": "Détail des communications",
        "document.account": "Compte", "document.noUsage": "Aucune communication sur la période.",
        "document.monthlyFees": "Abonnements mensuels", "document.lineCount": "{count} lignes",
        "document.usageCharges": "Consommations facturées", "document.memberBills": "Les factures des lignes",
        "document.groupVatNote": "La TVA est calculée sur la facture de chaque ligne et arrondie au centime ; la TVA du groupe est la somme de ces montants.",
        "document.subtotal": "Abonnement {fee} · consommations {charges} · TVA {vat} · total de la facture",
        "document.col.account": "Compte · numéro", "document.col.billNo": "N° de facture", "document.col.fee": "Abonnement",
        "document.col.charges": "Consommations", "document.col.vat": "TVA", "document.col.total": "Total", "document.inBundle": "inclus",
        "document.partlyInBundle": "en partie", "document.unit.minute": "min", "document.unit.message": "SMS",
        "document.unit.byte": "o", "document.col.date": "Date", "document.col.type": "Type",
        "document.col.destination": "Destinataire", "document.col.quantity": "Durée / volume", "document.col.included": "Forfait",
        "document.col.charge": "Montant HT", "document.class.voiceOnNet": "Appels vers le réseau",
        "document.class.voiceOffNet": "Appels vers autres réseaux", "document.class.voiceInternational": "Appels internationaux",
        "document.class.voiceRoaming": "Appels en roaming", "document.class.smsNational": "SMS nationaux",
        "document.class.smsInternational": "SMS internationaux", "document.class.smsRoaming": "SMS en roaming",
        "document.class.dataNational": "Internet mobile", "document.class.dataRoaming": "Internet en roaming",
        "document.short.voiceOnNet": "Appel réseau", "document.short.voiceOffNet": "Appel autre réseau",
        "document.short.voiceInternational": "Appel international", "document.short.voiceRoaming": "Appel roaming",
        "document.short.smsNational": "SMS", "document.short.smsInternational": "SMS international",
        "document.short.smsRoaming": "SMS roaming", "document.short.dataNational": "Internet",
        "document.short.dataRoaming": "Internet roaming",
    ]

    static let english: [String: String] = [
        "document.billTitle": "Bill", "document.groupBillTitle": "Group bill", "document.accountId": "Account ID",
        "document.clientRef": "Client", "document.billNo": "Bill number", "document.period": "Period",
        "document.billDate": "Bill date", "document.dueDate": "Due date", "document.number": "Number:", "document.plan": "Plan:",
        "document.summary": "Summary", "document.monthlyFee": "Monthly fee", "document.charged": "charged",
        "document.amountExclVat": "Total excl. VAT", "document.vat": "VAT 15%", "document.total": "Total incl. VAT",
        "document.paid": "Payments received", "document.remaining": "Left to pay", "document.howToPay": "How to pay",
        "document.howToPayText": "Pay online by card at {portal} or at a shop before {due}.",
        "document.helpline": "Customer care: {helpline}", "document.itemised": "Itemised usage", "document.account": "Account",
        "document.noUsage": "No usage in the period.",
        "document.monthlyFees": "Monthly fees", "document.lineCount": "{count} lines", "document.usageCharges": "Usage charges",
        "document.memberBills": "The bills of the lines",
        "document.groupVatNote": "VAT is worked out on each line's own bill and rounded to the cent there; the group's VAT is the sum of those amounts.",
        "document.subtotal": "Fee {fee} · charges {charges} · VAT {vat} · bill total",
        "document.col.account": "Account · number", "document.col.billNo": "Bill number", "document.col.fee": "Fee",
        "document.col.charges": "Charges", "document.col.vat": "VAT", "document.col.total": "Total", "document.inBundle": "included",
        "document.partlyInBundle": "partly", "document.unit.minute": "min", "document.unit.message": "SMS",
        "document.unit.byte": "B", "document.col.date": "Date", "document.col.type": "Type",
        "document.col.destination": "Destination", "document.col.quantity": "Duration / volume",
        "document.col.included": "Bundle", "document.col.charge": "Charge excl. VAT",
        "document.class.voiceOnNet": "Calls on our network", "document.class.voiceOffNet": "Calls to other networks",
        "document.class.voiceInternational": "International calls", "document.class.voiceRoaming": "Roaming calls",
        "document.class.smsNational": "National SMS", "document.class.smsInternational": "International SMS",
        "document.class.smsRoaming": "Roaming SMS", "document.class.dataNational": "Mobile data",
        "document.class.dataRoaming": "Roaming data", "document.short.voiceOnNet": "Call on-net",
        "document.short.voiceOffNet": "Call off-net", "document.short.voiceInternational": "International call",
        "document.short.voiceRoaming": "Roaming call", "document.short.smsNational": "SMS",
        "document.short.smsInternational": "International SMS", "document.short.smsRoaming": "Roaming SMS",
        "document.short.dataNational": "Data", "document.short.dataRoaming": "Roaming data",
    ]
}

/// A CSV document split into rows and fields (RFC 4180 quoting).
struct CSVTable {
    var header: [String]
    var rows: [[String: String]]

    init(_ text: String) throws {
        let lines = try Self.split(text)
        guard let header = lines.first else { throw DocumentTestError("empty CSV") }
        self.header = header
        rows = try lines.dropFirst().map { fields in
            guard fields.count == header.count else { throw DocumentTestError("row of \(fields.count) fields: \(fields)") }
            return Dictionary(uniqueKeysWithValues: zip(header, fields).map { ($0, $1) })
        }
    }

    /// Rows of fields, written here independently of the code under test: quoted fields may hold commas, quotes
    /// (doubled) and line breaks; every row ends with a line feed.
    static func split(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = scalars.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted else { throw DocumentTestError("unterminated quoted field") }
        guard row.isEmpty, field.isEmpty else { throw DocumentTestError("the last row does not end with a line feed") }
        return rows
    }

    func rows(_ type: String) -> [[String: String]] { rows.filter { $0["row_type"] == type } }
}

struct DocumentTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

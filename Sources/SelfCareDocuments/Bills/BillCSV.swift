import Foundation
import SelfCareCore

/// The detailed bill as CSV: one row per record with its charge and whether its allowance covered it (`bundle`), then
/// summary rows. UTF-8, header row,
/// amounts as `1234.50`. Written piece by piece to `sink`.
public enum BillCSV {
    public static let header = [
        "row_type", "bill_no", "account_id", "msisdn", "started_at", "usage_type", "charge_class", "destination", "roaming_country",
        "quantity", "unit", "included_quantity", "charged_quantity", "amount", "bundle",
    ]

    public static func write(_ document: BillDocument, records: ItemisedRecords, sink: @escaping @Sendable (String) async throws -> Void) async throws {
        try await sink(header.joined(separator: ",") + "\n")
        let billNo = document.billNo
        try await records { accountID, msisdn, rated in
            var chunk = ""
            chunk.reserveCapacity(rated.count * 120)
            // The fixed part of every row of this account, escaped once.
            let prefix = "usage,\(CSVParser.escape(billNo)),\(accountID.rawValue),\(msisdn.e164),"
            for usage in rated {
                let record = usage.record
                chunk += prefix
                chunk += Timestamp.format(record.startedAt)
                chunk += ","
                chunk += record.type.rawValue
                chunk += ","
                chunk += usage.chargeClass.rawValue
                chunk += ","
                chunk += CSVParser.escape(record.destination ?? "")
                chunk += ","
                chunk += CSVParser.escape(record.roamingCountry ?? "")
                chunk += ",\(usage.quantity),\(usage.chargeClass.unit.rawValue),\(usage.includedQuantity),\(usage.chargedQuantity),"
                chunk += usage.charge.decimalString
                chunk += ","
                chunk += usage.bundleUse.rawValue
                chunk += "\n"
            }
            try await sink(chunk)
        }
        var summary = ""
        func row(_ type: String, accountID: String = "", chargeClass: String = "", quantity: String = "", unit: String = "",
                 included: String = "", charged: String = "", amount: Money) {
            let fields = [type, billNo, accountID, "", "", "", chargeClass, "", "", quantity, unit, included, charged, amount.decimalString, ""]
            summary += fields.map(CSVParser.escape).joined(separator: ",") + "\n"
        }
        for member in document.members { row("member_total", accountID: member.accountID.rawValue, amount: member.total) }
        if !document.isGroupBill { row("monthly_fee", accountID: document.accountID?.rawValue ?? "", amount: document.monthlyFee) }
        for line in document.lines {
            row("usage_total", accountID: document.accountID?.rawValue ?? "", chargeClass: line.chargeClass.rawValue, quantity: String(line.quantity),
                unit: line.chargeClass.unit.rawValue, included: String(line.includedQuantity), charged: String(line.chargedQuantity), amount: line.amount)
        }
        row("amount_excl_vat", amount: document.amountExcludingVAT)
        row("vat", amount: document.vat)
        row("total", amount: document.total)
        row("paid", amount: document.paid)
        row("remaining", amount: document.remaining)
        try await sink(summary)
    }
}

import SelfCareCore
import SelfCareStore

/// The finance export of a period's bills (CONTRACT §1 `export-bills`): one CSV row per bill, written as it is read.
struct FinanceExport: Sendable {
    static let header = "bill_no,account_id,client_ref,period,monthly_fee,usage_charges,amount_excl_vat,vat,total,remaining,state\n"

    let database: Database

    /// Writes the header, then each bill of `period` in bill-number order.
    func write(period: BillingPeriod, _ write: @escaping @Sendable (String) -> Void) async throws {
        write(Self.header)
        try await database.read { sql in
            try await BillingRepository().forEachBill(period: period, on: sql) { bill in
                let fields = [
                    bill.billNo, bill.accountID, bill.clientRef, bill.period, bill.monthlyFee.decimalString,
                    bill.usageCharges.decimalString, bill.amountExcludingVAT.decimalString, bill.vat.decimalString,
                    bill.total.decimalString, bill.remaining.decimalString, bill.state.rawValue,
                ]
                write(fields.map(CSVParser.escape).joined(separator: ",") + "\n")
            }
        }
    }
}

import ArgumentParser
import Foundation
import SelfCareCore
import SelfCareServices
import SelfCareStore

/// `selfcare export-bills --period YYYY-MM`: the finance export, CSV on stdout, streamed.
struct ExportBills: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-bills", abstract: "Export a period's bills as CSV for finance.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The period, YYYY-MM.") var period: String

    func run() async throws {
        let parsed: BillingPeriod
        do { parsed = try BillingPeriod(period) } catch { fail("--period: \(error.description)") }
        let output = BufferedOutput()
        output.write("bill_no,account_id,client_ref,period,monthly_fee,usage_charges,amount_excl_vat,vat,total,remaining,state\n")
        try await withDatabase(database) { db in
            try await db.read { sql in
                try await BillingRepository().forEachBill(period: parsed, on: sql) { bill in
                    let fields = [
                        bill.billNo, bill.accountID, bill.clientRef, bill.period, bill.monthlyFee.decimalString,
                        bill.usageCharges.decimalString, bill.amountExcludingVAT.decimalString, bill.vat.decimalString,
                        bill.total.decimalString, bill.remaining.decimalString, bill.state.rawValue,
                    ]
                    output.write(fields.map(CSVParser.escape).joined(separator: ",") + "\n")
                }
            }
        }
        output.flush()
    }
}

/// Collects output in 64 KiB pieces before writing to stdout.
final class BufferedOutput: @unchecked Sendable {
    private var buffer = Data()
    private let lock = NSLock()

    func write(_ text: String) {
        lock.lock()
        buffer.append(contentsOf: text.utf8)
        let full = buffer.count >= 1 << 16
        lock.unlock()
        if full { flush() }
    }

    func flush() {
        lock.lock()
        let data = buffer
        buffer.removeAll(keepingCapacity: true)
        lock.unlock()
        FileHandle.standardOutput.write(data)
    }
}

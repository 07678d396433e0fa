import ArgumentParser
import Foundation
import SelfCareCore
import SelfCareServices
import SelfCareStore

/// `selfcare bill-run --period YYYY-MM [--workers N]`: closes the period.
struct BillRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bill-run", abstract: "Close a billing period: bills, group bills, VAT.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The period to close, YYYY-MM.") var period: String
    @Option(name: .long, help: "Batches of lines read and rated at once while another is written (1–64).") var workers = 2

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers: expected a whole number from 1 to 64, got \(workers)") }
    }

    func run() async throws {
        let parsed: BillingPeriod
        do { parsed = try BillingPeriod(period) } catch { fail("--period: \(error.description)") }
        let bar = ProgressBar(label: "bill-run")
        let outcome = try await withDatabase(database) { db in
            try await BillRunner(database: db).run(period: parsed, now: Date(), workers: workers, progress: bar.update)
        }
        switch outcome {
        case .closed(let summary):
            printJSON(BillRunSummary(summary))
        case .alreadyClosed(let summary):
            FileHandle.standardError.write(Data("selfcare: period \(parsed) is already closed; nothing changed\n".utf8))
            printJSON(BillRunSummary(summary, alreadyClosed: true))
        }
    }
}

/// The JSON summary of a bill run (CONTRACT §1).
struct BillRunSummary: Encodable {
    var period: String
    var bills: Int
    var groupBills: Int
    var total: String
    var alreadyClosed: Bool?

    init(_ summary: PeriodSummary, alreadyClosed: Bool? = nil) {
        period = summary.period
        bills = summary.bills
        groupBills = summary.groupBills
        total = summary.total.decimalString
        self.alreadyClosed = alreadyClosed
    }
}

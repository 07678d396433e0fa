import ArgumentParser
import Foundation
import SelfCareCore
import SelfCareServices

/// `selfcare bill-run --period YYYY-MM [--workers N]`: closes the period.
struct BillRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bill-run", abstract: "Close a billing period: bills, group bills, VAT.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The period to close, YYYY-MM.") var period: String
    @Option(name: .long, help: ArgumentHelp(
        "PostgreSQL: processes billing the period together, each claiming the clients it bills (default 1). SQLite: batches read and rated at once while another is written (default 2). 1–64."))
    var workers: Int?
    /// Set on the processes a run with `--workers` starts: which share of the clients this one starts with.
    @Option(name: .long, help: .hidden) var workerSlot: String?

    func validate() throws {
        if let workers, !(1...64).contains(workers) {
            throw ValidationError("--workers: expected a whole number from 1 to 64, got \(workers)")
        }
        if let workerSlot, BillRunShare(argument: workerSlot) == nil { throw ValidationError("--worker-slot: expected K/N, got \(workerSlot)") }
    }

    func run() async throws {
        let parsed: BillingPeriod
        do { parsed = try BillingPeriod(period) } catch { fail("--period: \(error.description)") }
        let share = workerSlot.flatMap(BillRunShare.init(argument:))
        let bar: ProgressBar? = share == nil ? ProgressBar(label: "bill-run") : nil
        let outcome = try await withBackOffice(database) { office in
            // Where the engine bills with several processes, the others start beside this one, each claiming its clients.
            let plan = office.billRunPlan(workers: workers)
            let processes = plan.processes
            let helpers = share == nil && processes > 1
                ? try WorkerProcesses(count: processes - 1, total: processes, period: parsed, database: office.connectionString) : nil
            do {
                let outcome = try await office.billRun(
                    period: parsed, now: Date(), plan: plan,
                    share: share ?? (helpers == nil ? .whole : BillRunShare(slot: 0, count: processes)),
                    progress: { bar?.update($0) })
                await helpers?.waitForAll()
                return outcome
            } catch {
                helpers?.stop()
                throw error
            }
        }
        guard share == nil else { return }
        switch outcome {
        case .closed(let summary):
            printJSON(BillRunSummary(summary))
        case .alreadyClosed(let summary):
            FileHandle.standardError.write(Data("selfcare: period \(parsed) is already closed; nothing changed\n".utf8))
            printJSON(BillRunSummary(summary, alreadyClosed: true))
        }
    }
}

extension BillRunShare {
    /// `K/N` as `--worker-slot` takes it.
    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let slot = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(slot) else {
            return nil
        }
        self.init(slot: slot, count: count)
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

import Foundation
import SelfCareCore

/// The other processes of a `bill-run --workers N` on PostgreSQL: this executable again, each with its slot, the
/// database in its environment (never on a command line others can read) and its output discarded; errors go to
/// stderr. One that dies leaves its clients to the others: its open transaction rolls back and frees them.
final class WorkerProcesses: Sendable {
    private let processes: [Process]
    /// Each worker's end, told by its termination handler.
    private let exits: [AsyncStream<Void>]

    init(count: Int, total: Int, period: BillingPeriod, database: String) throws {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database
        var started: [Process] = []
        var exits: [AsyncStream<Void>] = []
        for slot in 1...count {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["bill-run", "--period", period.description, "--worker-slot", "\(slot)/\(total)"]
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            let (exited, exit) = AsyncStream<Void>.makeStream()
            process.terminationHandler = { _ in exit.finish() }
            exits.append(exited)
            do { try process.run() } catch {
                started.forEach { $0.terminate() }
                throw CommandFailure("cannot start bill-run worker \(slot + 1) of \(total): \(error)")
            }
            started.append(process)
        }
        processes = started
        self.exits = exits
    }

    /// Waits for every worker; says on stderr which ended badly (the period is complete all the same).
    func waitForAll() async {
        for (index, process) in processes.enumerated() {
            for await _ in exits[index] {}
            if process.terminationStatus != 0 {
                let how = process.terminationReason == .uncaughtSignal ? "signal \(process.terminationStatus)" : "status \(process.terminationStatus)"
                FileHandle.standardError.write(Data(
                    "selfcare: bill-run worker \(index + 2) of \(processes.count + 1) ended with \(how); the others billed its clients\n".utf8))
            }
        }
    }

    /// Stops every worker still running.
    func stop() {
        for process in processes where process.isRunning { process.terminate() }
    }
}

import ArgumentParser
import Foundation
import SelfCareCore
import SelfCareServices

/// `selfcare export-bills --period YYYY-MM`: the finance export, CSV on stdout, streamed.
struct ExportBills: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-bills", abstract: "Export a period's bills as CSV for finance.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The period, YYYY-MM.") var period: String

    func run() async throws {
        let parsed: BillingPeriod
        do { parsed = try BillingPeriod(period) } catch { fail("--period: \(error.description)") }
        let output = BufferedOutput()
        try await withBackOffice(database) { office in try await office.exportBills(period: parsed, write: output.write) }
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

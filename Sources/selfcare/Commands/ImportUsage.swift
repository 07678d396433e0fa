import ArgumentParser
import Foundation
import SelfCareServices
import SelfCareStore

/// `selfcare import-usage FILE.csv`: loads usage records, idempotent on `record_id`, then queues the usage alerts the new
/// records set off.
struct ImportUsage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-usage", abstract: "Load usage records (CDRs) from a CSV file.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The usage file (CSV with header).") var file: String

    func run() async throws {
        let bar = ProgressBar(label: "import-usage", total: ProgressBar.records(inFile: file))
        let report = try await withDatabase(database) { db in
            let environment = ProcessInfo.processInfo.environment
            let alerts = UsageAlertEvaluator(
                database: db, operatorName: Branding.load { environment[$0] }.operatorName,
                portalURL: environment["PUBLIC_URL"] ?? "http://127.0.0.1:8080")
            return try await UsageImporter(database: db, alerts: alerts).importFile(at: file, progress: bar.update)
        }
        printJSON(report)
    }
}

import ArgumentParser
import Foundation
import SelfCareServices
import SelfCareStore

/// `selfcare import-usage FILE.csv`: loads usage records, idempotent on `record_id`.
struct ImportUsage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-usage", abstract: "Load usage records (CDRs) from a CSV file.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The usage file (CSV with header).") var file: String

    func run() async throws {
        let bar = ProgressBar(label: "import-usage")
        let report = try await withDatabase(database) { db in
            try await UsageImporter(database: db).importFile(at: file, progress: bar.update)
        }
        printJSON(report)
    }
}

import ArgumentParser
import Foundation
import SelfCareServices

/// `selfcare import-usage FILE.csv`: loads usage records, idempotent on `record_id`, then queues the usage alerts the new
/// records set off.
struct ImportUsage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-usage", abstract: "Load usage records (CDRs) from a CSV file.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The usage file (CSV with header).") var file: String

    func run() async throws {
        let bar = ProgressBar(label: "import-usage", total: ProgressBar.records(inFile: file))
        let report = try await withBackOffice(database) { office in try await office.importUsage(file: file, progress: bar.update) }
        printJSON(report)
    }
}

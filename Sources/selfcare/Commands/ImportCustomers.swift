import ArgumentParser
import Foundation
import SelfCareServices

/// `selfcare import-customers FILE.csv`: creates or updates clients, accounts and lines.
struct ImportCustomers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-customers", abstract: "Create or update clients, accounts and lines from a CSV file.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The customers file (CSV with header).") var file: String

    func run() async throws {
        let report = try await withBackOffice(database) { office in
            try await office.importCustomers(file: file, now: Date())
        }
        printJSON(report)
        if !report.rejected.isEmpty {
            FileHandle.standardError.write(Data("selfcare: \(report.rejected.count) row(s) rejected\n".utf8))
            throw ExitCode(2)
        }
    }
}

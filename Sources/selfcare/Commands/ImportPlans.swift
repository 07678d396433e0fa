import ArgumentParser
import Foundation
import SelfCareStore

/// `selfcare import-plans FILE.json`: creates or updates tariff plans.
struct ImportPlans: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-plans", abstract: "Create or update tariff plans from a JSON file.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The plans file (JSON array).") var file: String

    func run() async throws {
        let codes = try await withDatabase(database) { db in
            try await PlanImporter(database: db).importFile(at: file, now: Date())
        }
        printJSON(["plans": codes])
    }
}

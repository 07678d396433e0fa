import ArgumentParser
import Foundation
import SelfCareServices

/// `selfcare import-plans FILE.json`: creates plans, or adds versions of known ones (CONTRACT §3).
struct ImportPlans: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-plans", abstract: "Create or update tariff plans from a JSON file.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The plans file (JSON array).") var file: String

    func run() async throws {
        let versions = try await withBackOffice(database) { office in
            try await office.importPlans(file: file, now: Date())
        }
        printJSON(ImportedPlans(plans: versions.map(\.code), versions: versions))
    }
}

/// What `import-plans` prints: the codes, and the version each became.
private struct ImportedPlans: Encodable {
    var plans: [String]
    var versions: [PlanImporter.ImportedVersion]
}

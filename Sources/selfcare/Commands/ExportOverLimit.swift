import ArgumentParser
import Foundation
import SelfCareCore
import SelfCareServices

/// `selfcare export-over-limit --period YYYY-MM`: the lines past their spend limit, for the provisioning system.
struct ExportOverLimit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-over-limit",
        abstract: "CSV of the lines past their spend limit in a period (without consent to go over), for provisioning.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The period, YYYY-MM.") var period: String

    func run() async throws {
        let parsed: BillingPeriod
        do { parsed = try BillingPeriod(period) } catch { fail("--period: \(error.description)") }
        let csv = try await withBackOffice(database) { office in try await office.exportOverLimit(period: parsed) }
        FileHandle.standardOutput.write(Data(csv.utf8))
    }
}

import ArgumentParser
import SelfCareServices

/// The `selfcare` command line: the portal and the billing back end's batch jobs.
@main
struct SelfCareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfcare",
        abstract: "Self-care portal and billing back end for postpaid mobile subscribers.",
        subcommands: [
            Serve.self, Migrate.self, SeedDemo.self, ImportPlans.self, ImportCustomers.self, ImportUsage.self,
            BillRun.self, ExportBills.self, ExportOverLimit.self, IssueClientID.self, BenchmarkKDF.self, Gateway.self,
        ],
        defaultSubcommand: Serve.self)
}

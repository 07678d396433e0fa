import ArgumentParser
import Foundation
import SelfCareServices

/// `selfcare issue-client-id --client REF`: staff action, prints the new confidential Client ID alone.
struct IssueClientID: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue-client-id", abstract: "Issue (or re-issue) a client's confidential Client ID; the previous one stops working.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The client's reference (client_ref).") var client: String

    func run() async throws {
        let clientID = try await withBackOffice(database) { office in
            try await office.issueClientID(client: client, now: Date())
        }
        print(clientID.grouped)
    }
}

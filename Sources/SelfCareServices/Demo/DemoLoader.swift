import Foundation
import SelfCareCore
import SelfCareStore

/// Loads the demo data set through the real importers and bill run, and issues the demo Client IDs.
package struct DemoLoader: Sendable {
    package struct Identifiers: Sendable, Codable {
        package struct ClientIdentifiers: Sendable, Codable {
            package var clientRef: String
            package var clientId: String
        }

        package var accounts: [AccountIdentifiers]
        package var clients: [ClientIdentifiers]
    }

    private let database: Database
    private let clientIDKey: ClientIDKey

    package init(database: Database, clientIDKey: ClientIDKey) {
        self.database = database
        self.clientIDKey = clientIDKey
    }

    /// True when the database has no client yet: the demo data set may be loaded.
    package static func isEmpty(_ database: Database) async throws -> Bool {
        try await database.read { db in try await !CustomerRepository().hasClients(on: db) }
    }

    /// Loads everything for `seed`, as of `now`; `log` receives one line per step.
    package func load(seed: UInt64, now: Date, log: @Sendable (String) -> Void = { _ in }) async throws -> Identifiers {
        let data = DemoDataSet(seed: seed, today: CalendarDay(containing: now))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-demo-\(seed)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try data.write(to: folder)
        _ = try await PlanImporter(database: database).importFile(at: files.plans.path, now: now)
        let customers = try await CustomerImporter(database: database, newAccountID: { AccountID(body: 0) })
            .importFile(at: files.customers.path, now: now)
        guard customers.rejected.isEmpty else {
            throw DemoError("demo customers rejected: \(customers.rejected.prefix(3).map(\.reason))")
        }
        log("customers: \(customers.accounts.count) accounts")
        for (period, file) in files.usage {
            let report = try await UsageImporter(database: database).importFile(at: file.path)
            log("usage \(period): \(report.imported) imported, \(report.duplicates) already there, \(report.rejected.count) rejected")
            if period != data.today.period {
                // Only the latest bills are announced; older months were announced in their time.
                let runner = BillRunner(database: database, announces: period == data.closedPeriods.last)
                _ = try await runner.run(period: period, now: now)
                log("bill run \(period): done")
            }
        }
        var random = SeededRandom(seed: seed ^ 0xC11E_4701)
        var clients: [Identifiers.ClientIdentifiers] = []
        for reference in DemoDataSet.corporateReferences {
            let clientID = ClientID.random(using: &random)
            let issued = try await ClientIDIssuer(database: database, key: clientIDKey, newClientID: { clientID }).issue(clientReference: reference, now: now)
            clients.append(.init(clientRef: reference, clientId: issued.grouped))
        }
        return Identifiers(accounts: customers.accounts, clients: clients)
    }
}

package struct DemoError: Error, CustomStringConvertible {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}

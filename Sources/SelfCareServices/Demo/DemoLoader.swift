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
        /// The logins made ready with a password, when the demo was loaded with its history.
        package var logins: [DemoHistory.Login] = []

        enum CodingKeys: String, CodingKey { case accounts, clients, logins }

        package init(accounts: [AccountIdentifiers], clients: [ClientIdentifiers], logins: [DemoHistory.Login] = []) {
            self.accounts = accounts
            self.clients = clients
            self.logins = logins
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accounts = try container.decode([AccountIdentifiers].self, forKey: .accounts)
            clients = try container.decode([ClientIdentifiers].self, forKey: .clients)
            logins = try container.decodeIfPresent([DemoHistory.Login].self, forKey: .logins) ?? []
        }

        /// The identifiers as CONTRACT §1 prints them; the ready logins only when some were made.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(accounts, forKey: .accounts)
            try container.encode(clients, forKey: .clients)
            if !logins.isEmpty { try container.encode(logins, forKey: .logins) }
        }
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

    /// True when the database holds clients of the demo data set (references `DEMO-…`), whose logins are published.
    package static func holdsDemoData(_ database: Database) async throws -> Bool {
        try await database.read { db in try await CustomerRepository().hasClients(referencePrefix: DemoDataSet.referencePrefix, on: db) }
    }

    /// Loads everything for `seed`, as of `now`; `log` receives one line per step. With `history`, two logins are made
    /// ready and given a past of payments.
    package func load(
        seed: UInt64, now: Date, history: DemoHistory? = nil, log: @Sendable (String) -> Void = { _ in }
    ) async throws -> Identifiers {
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
        let closed = try await database.read { db in try await BillingRepository().closedPeriods(on: db) }
        for (period, file) in files.usage {
            // A month billed before (the demo loaded again) keeps its usage and bills as they are.
            guard !closed.contains(period.description) else {
                log("usage \(period): already billed, kept as it is")
                continue
            }
            let report = try await UsageImporter(database: database).importFile(at: file.path)
            log("usage \(period): \(report.imported) imported, \(report.duplicates) already there, \(report.rejected.count) rejected")
            if period != data.today.period {
                // Only the latest bills are announced; older months were announced in their time.
                let runner = BillRunner(database: database, announces: period == data.closedPeriods.last)
                _ = try await runner.run(period: period, now: now)
                log("bill run \(period): done")
            }
        }
        var clients: [Identifiers.ClientIdentifiers] = []
        for (reference, clientID) in Self.clientIDs(seed: seed) {
            let issued = try await ClientIDIssuer(database: database, key: clientIDKey, newClientID: { clientID }).issue(clientReference: reference, now: now)
            clients.append(.init(clientRef: reference, clientId: issued.grouped))
        }
        var identifiers = Identifiers(accounts: customers.accounts, clients: clients)
        if let history, let line = customers.accounts.first(where: { $0.clientRef == "DEMO-IND-001" }),
           let ministry = clients.first(where: { $0.clientRef == "DEMO-GOV-001" }) {
            identifiers.logins = try await history.make(
                individual: line.accountId, ministry: ministry.clientId, ministryReference: ministry.clientRef, today: data.today)
            log("demo logins ready, with their payments")
        }
        return identifiers
    }
}

extension DemoLoader {
    /// The Client IDs the demo issues for `seed`, by client reference, in order.
    static func clientIDs(seed: UInt64) -> [(reference: String, clientID: ClientID)] {
        var random = SeededRandom(seed: seed ^ 0xC11E_4701)
        return DemoDataSet.corporateReferences.map { ($0, ClientID.random(using: &random)) }
    }

    /// The two logins the demo of `seed` makes ready (an individual line, then the ministry's Client ID), worked out
    /// again from the seed, so a later start can name them; nil when this database has no such logins.
    package static func readyLogins(seed: UInt64, in database: Database) async throws -> [DemoHistory.Login]? {
        let data = DemoDataSet(seed: seed, today: CalendarDay(containing: Date()))
        let clients = data.clients()
        guard let individual = clients.first(where: { $0.reference == "DEMO-IND-001" }), let line = individual.lines.first,
              let ministry = clients.first(where: { $0.reference == "DEMO-GOV-001" }),
              let clientID = clientIDs(seed: seed).first(where: { $0.reference == "DEMO-GOV-001" })?.clientID else { return nil }
        let registered = try await database.read { db -> Bool in
            guard let account = try await CustomerRepository().account(id: line.accountID, on: db) else { return false }
            return try await UserRepository().user(scope: .account(rowID: account.id), on: db) != nil
        }
        guard registered else { return nil }
        return [DemoHistory.Login(identifier: line.accountID.grouped, name: individual.name),
                DemoHistory.Login(identifier: clientID.grouped, name: ministry.name)]
    }
}

package struct DemoError: Error, CustomStringConvertible {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}

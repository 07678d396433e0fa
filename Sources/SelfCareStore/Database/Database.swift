import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import PostgresKit
import SQLiteKit
import SQLKit
import Tracing

/// The store's database: SQLite (embedded default) or PostgreSQL (production), behind one interface.
/// Reads run on any connection; writes run in a transaction on one connection.
package final class Database: Sendable {
    package let engine: DatabaseEngine
    private let backend: any DatabaseBackend
    /// When set, every transaction and statement is a span of it.
    private let tracer: (any Tracer)?

    private init(engine: DatabaseEngine, backend: any DatabaseBackend, tracer: (any Tracer)?) {
        self.engine = engine
        self.backend = backend
        self.tracer = tracer
    }

    /// Opens the database at `url`; for SQLite, creates the folder and file when missing.
    package static func open(_ url: DatabaseURL, logger: Logger, tracer: (any Tracer)? = nil) async throws -> Database {
        switch url {
        case .sqlite(let path):
            return Database(engine: .sqlite, backend: try await SQLiteBackend.open(path: path, logger: logger), tracer: tracer)
        case .postgres(let text):
            return Database(engine: .postgres, backend: try PostgresBackend(url: text, logger: logger), tracer: tracer)
        }
    }

    /// Connections in use and the most the database opens: what the pool metrics report.
    package var connectionUse: (inUse: Int, capacity: Int) { backend.connectionUse }

    /// Runs `body` with a connection for reading.
    package func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard let tracer else { return try await backend.read(body) }
        return try await backend.read { db in try await body(TracedSQLDatabase(base: db, tracer: tracer)) }
    }

    /// Runs `body` in one transaction: everything it wrote is committed together, or nothing is when it throws.
    package func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard let tracer else { return try await backend.transaction(body) }
        return try await tracer.withSpan("transaction", ofKind: .internal) { _ in
            try await backend.transaction { db in try await body(TracedSQLDatabase(base: db, tracer: tracer)) }
        }
    }

    /// SQLite only (nil on PostgreSQL): runs `body` on a direct connection of its own, for bulk work where statements
    /// prepared once and stepped for every row are what it takes. `write` runs it in one transaction, taking the writer's
    /// turn; otherwise it reads the last committed state.
    package func withBulkSQLite<R: Sendable>(
        write: Bool, _ body: @escaping @Sendable (RawSQLiteConnection) throws -> R
    ) async throws -> R? {
        guard let sqlite = backend as? SQLiteBackend else { return nil }
        guard let tracer else { return try await sqlite.bulk(write: write, body) }
        return try await tracer.withSpan("bulk", ofKind: .client) { span in
            span.attributes["db.system.name"] = "sqlite"
            return try await sqlite.bulk(write: write, body)
        }
    }

    /// PostgreSQL only (nil on SQLite): runs `body` on one connection, in one transaction unless `transaction` is
    /// false, for what only the driver offers below SQLKit (`COPY … FROM STDIN`, rows decoded without per-column look-ups).
    package func withBulkPostgres<R: Sendable>(
        transaction: Bool = true, _ body: @escaping @Sendable (PostgresConnection) async throws -> R
    ) async throws -> R? {
        guard let postgres = backend as? PostgresBackend else { return nil }
        guard let tracer else { return try await postgres.bulk(transaction: transaction, body) }
        return try await tracer.withSpan("bulk", ofKind: .client) { span in
            span.attributes["db.system.name"] = "postgresql"
            return try await postgres.bulk(transaction: transaction, body)
        }
    }

    /// True when the database answers a query.
    package func isReachable() async throws -> Bool {
        try await read { db in try await db.raw("SELECT 1 AS ok").first() != nil }
    }

    /// Closes every connection, even when called from a cancelled task (a connection left open traps when released).
    package func close() async {
        let backend = self.backend
        await Task { await backend.close() }.value
    }
}

protocol DatabaseBackend: Sendable {
    var connectionUse: (inUse: Int, capacity: Int) { get }
    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func close() async
}

/// One writer connection (transactions take turns) and a few reader connections; WAL lets them run side by side.
final class SQLiteBackend: DatabaseBackend {
    private let writer: SQLiteConnection
    private let writerLock = AsyncLock()
    private let readers: [(connection: SQLiteConnection, lock: AsyncLock)]
    private let nextReader = Mutex(0)
    /// A thread per connection: a connection waiting out another process's lock (busy timeout) blocks its thread,
    /// and must not hold up this database's other connections, nor anything else sharing a pool with it.
    private let threadPool: NIOThreadPool

    private let path: String
    private let gauge: ConnectionGauge

    var connectionUse: (inUse: Int, capacity: Int) { (gauge.inUse, 1 + readers.count) }

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], threadPool: NIOThreadPool) {
        self.path = path
        self.writer = writer
        self.readers = readers.map { ($0, AsyncLock()) }
        self.threadPool = threadPool
        self.gauge = ConnectionGauge()
    }

    static func open(path: String, logger: Logger, readerCount: Int = 3) async throws -> SQLiteBackend {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let threadPool = NIOThreadPool(numberOfThreads: 1 + readerCount)
        threadPool.start()
        func connect() async throws -> SQLiteConnection {
            try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threadPool, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any()
            ).get()
        }
        var opened: [SQLiteConnection] = []
        do {
            let writer = try await connect()
            opened.append(writer)
            try await configure(writer, pragmas: [
                "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY",
            ])
            for _ in 0..<readerCount {
                let reader = try await connect()
                opened.append(reader)
                try await configure(reader, pragmas: [])
            }
            return SQLiteBackend(path: path, writer: writer, readers: Array(opened.dropFirst()), threadPool: threadPool)
        } catch {
            for connection in opened { try? await connection.close() }
            try? await threadPool.shutdownGracefully()
            throw error
        }
    }

    private static func configure(_ connection: SQLiteConnection, pragmas: [String]) async throws {
        let database = connection.sql()
        // The busy timeout first: another process may hold a lock while this one switches the journal mode.
        for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA foreign_keys = ON"] + pragmas {
            try await database.raw(SQLQueryString(pragma)).run()
        }
    }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let index = nextReader.withLock { value in
            value = (value + 1) % readers.count
            return value
        }
        let reader = readers[index]
        return try await reader.lock.withLock { try await gauge.holding { try await body(reader.connection.sql()) } }
    }

    func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let writer = self.writer
        return try await writerLock.withLock { try await gauge.holding {
            try await inTransaction(writer.sql(), begin: "BEGIN IMMEDIATE", body)
        } }
    }

    /// A direct connection on the pool's thread; a writing one holds the writer's turn and one transaction.
    func bulk<R: Sendable>(write: Bool, _ body: @escaping @Sendable (RawSQLiteConnection) throws -> R) async throws -> R {
        let (path, threadPool) = (self.path, self.threadPool)
        let run: @Sendable () throws -> R = {
            let connection = try RawSQLiteConnection(path: path)
            guard write else { return try body(connection) }
            try connection.execute("BEGIN IMMEDIATE")
            do {
                let result = try body(connection)
                try connection.execute("COMMIT")
                return result
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
        guard write else { return try await gauge.holding { try await threadPool.runIfActive(run) } }
        return try await writerLock.withLock { try await gauge.holding { try await threadPool.runIfActive(run) } }
    }

    func close() async {
        for reader in readers { try? await reader.connection.close() }
        try? await writer.close()
        try? await threadPool.shutdownGracefully()
    }
}

/// A PostgresNIO connection pool; each transaction holds one pooled connection.
final class PostgresBackend: DatabaseBackend {
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let gauge = ConnectionGauge()
    private static let maximumConnections = 16

    var connectionUse: (inUse: Int, capacity: Int) { (gauge.inUse, Self.maximumConnections) }

    init(url: String, logger: Logger) throws {
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let tls: PostgresClient.Configuration.TLS = switch (configuration.tls.isEnforced, configuration.tls.isAllowed) {
        case (true, _): .require(configuration.tls.sslContext!.configuration)
        case (_, true): .prefer(configuration.tls.sslContext!.configuration)
        default: .disable
        }
        guard let host = configuration.host, let port = configuration.port else {
            throw DatabaseURLError.invalidPostgres(url)
        }
        var clientConfiguration = PostgresClient.Configuration(
            host: host, port: port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: tls)
        clientConfiguration.options.maximumConnections = Self.maximumConnections
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        self.client = client
        self.runTask = Task { await client.run() }
    }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in try await gauge.holding { try await body(connection.sql()) } }
    }

    func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in try await gauge.holding {
            try await inTransaction(connection.sql(), begin: "BEGIN", body)
        } }
    }

    func bulk<R: Sendable>(transaction: Bool, _ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        try await client.withConnection { connection in try await gauge.holding {
            guard transaction else { return try await body(connection) }
            let database = connection.sql()
            try await database.raw("BEGIN").run()
            do {
                let result = try await body(connection)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        } }
    }

    func close() async {
        runTask.cancel()
        await runTask.value
    }
}

/// Counts the connections held at this moment.
private final class ConnectionGauge: Sendable {
    private let held = Atomic<Int>(0)

    var inUse: Int { held.load(ordering: .relaxed) }

    func holding<R>(_ body: () async throws -> R) async rethrows -> R {
        held.add(1, ordering: .relaxed)
        defer { held.subtract(1, ordering: .relaxed) }
        return try await body()
    }
}

/// Runs `body` on `database` between `begin` and `COMMIT`; an error rolls the transaction back and is thrown again.
private func inTransaction<R: Sendable>(
    _ database: any SQLDatabase, begin: SQLQueryString, _ body: @Sendable (any SQLDatabase) async throws -> R
) async throws -> R {
    try await database.raw(begin).run()
    do {
        let result = try await body(database)
        try await database.raw("COMMIT").run()
        return result
    } catch {
        try? await database.raw("ROLLBACK").run()
        throw error
    }
}

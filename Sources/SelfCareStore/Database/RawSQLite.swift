import Foundation
import VaporCSQLite

/// A direct SQLite connection for the few bulk paths where per-value work above SQLite is the cost (importing a
/// million usage records, reading them for a bill run): statements are prepared once and stepped for every row.
/// Blocking; the store runs it on its SQLite thread pool (`Database.withBulkSQLite`).
package final class RawSQLiteConnection {
    private var handle: OpaquePointer?

    init(path: String) throws(RawSQLiteError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, handle != nil else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite_nio_sqlite3_close(handle)
            throw RawSQLiteError(message: message)
        }
        sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
        // As the store's own writer: WAL is the file's; the cache and sync level are each connection's. Sorts that outgrow
        // the cache (an index built over ten million records) spill to temporary files rather than to memory; the cache
        // and a sort's buffer take 64 MB each at most.
        try execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = FILE")
    }

    deinit {
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs statements that return no rows.
    package func execute(_ sql: String) throws(RawSQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite_nio_sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite_nio_sqlite3_free(error)
            throw RawSQLiteError(message: "\(message) (in \(sql.prefix(60)))")
        }
    }

    /// A statement to bind and step many times.
    package func prepare(_ sql: String) throws(RawSQLiteError) -> RawSQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw RawSQLiteError(message: "\(lastError) (in \(sql.prefix(60)))")
        }
        return RawSQLiteStatement(statement, connection: self)
    }

    /// Rows the last statement inserted, updated or deleted.
    package var changes: Int { Int(sqlite_nio_sqlite3_changes(handle)) }

    var lastError: String { String(cString: sqlite_nio_sqlite3_errmsg(handle)) }
}

/// A prepared statement: bind by position (from 1), step, read columns (from 0), reset.
package final class RawSQLiteStatement {
    private let statement: OpaquePointer
    private let connection: RawSQLiteConnection
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer, connection: RawSQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit {
        sqlite_nio_sqlite3_finalize(statement)
    }

    package func bind(_ index: Int32, _ value: Int64) {
        sqlite_nio_sqlite3_bind_int64(statement, index, value)
    }

    package func bind(_ index: Int32, _ value: String?) {
        guard let value else { return bindNull(index) }
        var text = value
        text.withUTF8 { bytes in
            _ = sqlite_nio_sqlite3_bind_text(statement, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                             Int32(bytes.count), Self.transient)
        }
    }

    package func bind(_ index: Int32, _ value: [UInt8]) {
        value.withUnsafeBytes { bytes in
            _ = sqlite_nio_sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    package func bindNull(_ index: Int32) {
        sqlite_nio_sqlite3_bind_null(statement, index)
    }

    /// Steps once: true when a row is there to read, false when the statement is done.
    package func step() throws(RawSQLiteError) -> Bool {
        switch sqlite_nio_sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw RawSQLiteError(message: connection.lastError)
        }
    }

    /// Clears the bindings and makes the statement ready to step again.
    package func reset() {
        sqlite_nio_sqlite3_reset(statement)
        sqlite_nio_sqlite3_clear_bindings(statement)
    }

    package func int64(_ column: Int32) -> Int64 {
        sqlite_nio_sqlite3_column_int64(statement, column)
    }

    package func isNull(_ column: Int32) -> Bool {
        sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    package func text(_ column: Int32) -> String? {
        guard let pointer = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
}

/// What SQLite said went wrong.
package struct RawSQLiteError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { "sqlite: \(message)" }
}

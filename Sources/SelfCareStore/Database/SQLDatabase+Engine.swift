import SQLKit

extension SQLDatabase {
    /// True on PostgreSQL, whose row locks (`FOR UPDATE`) the queries ask for; SQLite transactions already take turns.
    var isPostgres: Bool { dialect.name == "postgresql" }

    /// True when `table` has a column called `column`.
    func hasColumn(_ column: String, in table: String) async throws -> Bool {
        let query: SQLQueryString = isPostgres
            ? "SELECT 1 AS found FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table) AND column_name = \(bind: column)"
            : "SELECT 1 AS found FROM pragma_table_info(\(bind: table)) WHERE name = \(bind: column)"
        return try await raw(query).first() != nil
    }

    /// ` FOR UPDATE` on PostgreSQL, nothing on SQLite.
    var forUpdate: String { isPostgres ? " FOR UPDATE" : "" }
}

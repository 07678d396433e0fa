import SQLKit

extension SQLDatabase {
    /// True on PostgreSQL, whose row locks (`FOR UPDATE`) the queries ask for; SQLite transactions already take turns.
    var isPostgres: Bool { dialect.name == "postgresql" }

    /// ` FOR UPDATE` on PostgreSQL, nothing on SQLite.
    var forUpdate: String { isPostgres ? " FOR UPDATE" : "" }
}

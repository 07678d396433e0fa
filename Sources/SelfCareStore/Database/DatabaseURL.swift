import Foundation

/// Where the data lives: `sqlite:///path/file.sqlite` or `postgres://user:pass@host:port/db`.
package enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    package init(_ text: String) throws(DatabaseURLError) {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard path.count > 1 else { throw .missingPath(text) }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: text), components.host?.isEmpty == false,
                  components.path.count > 1 else { throw .invalidPostgres(text) }
            self = .postgres(url: text)
        } else {
            throw .unsupportedScheme(text)
        }
    }

    /// The development SQLite file under `.selfcare/` in the working directory.
    package static func development(workingDirectory: String = FileManager.default.currentDirectoryPath) -> DatabaseURL {
        .sqlite(path: workingDirectory + "/.selfcare/selfcare.sqlite")
    }

    package var engine: DatabaseEngine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The URL as given, password included: for a process started to work on the same database.
    package var connectionString: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url): url
        }
    }

    /// The folder holding the database file (SQLite); nil for a server's database.
    package var folder: String? {
        if case .sqlite(let path) = self { (path as NSString).deletingLastPathComponent } else { nil }
    }

    /// The URL with any password hidden, for logs and messages.
    package var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url): Self.hidingPassword(url)
        }
    }
}

extension DatabaseURL {
    private static func hidingPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "postgres://…" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "postgres://…"
    }
}

/// Why a database URL is not usable.
package enum DatabaseURLError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedScheme(String)
    case missingPath(String)
    case invalidPostgres(String)

    package var description: String {
        switch self {
        case .unsupportedScheme: "database URL must start with sqlite:// or postgres://"
        case .missingPath: "sqlite URL needs a file path, like sqlite:///var/lib/selfcare/selfcare.sqlite"
        case .invalidPostgres: "postgres URL must look like postgres://user:password@host:5432/database"
        }
    }
}

/// The two database engines SelfCare runs on, from one query code path.
package enum DatabaseEngine: String, Sendable {
    case sqlite
    case postgres
}

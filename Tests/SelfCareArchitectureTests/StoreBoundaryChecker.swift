/// Checks that SQL, and any choice between database engines, stays in `Sources/SelfCareStore`.
struct StoreBoundaryChecker: Sendable {
    /// Statements that make a string literal SQL text: a keyword pair in capitals, as whole words, as SQL is written
    /// here. Capitals and pairs keep user texts out ("Select a plan from the list", "DELETE" on a button).
    static let sqlStatements = [
        Clue(name: "SELECT … FROM", pattern: #"\bSELECT\s[\s\S]*?\sFROM\b"#),
        Clue(name: "INSERT INTO", pattern: #"\bINSERT\s+INTO\b"#),
        Clue(name: "UPDATE … SET", pattern: #"\bUPDATE\s[\s\S]*?\sSET\b"#),
        Clue(name: "DELETE FROM", pattern: #"\bDELETE\s+FROM\b"#),
        Clue(name: "CREATE TABLE", pattern: #"\bCREATE\s+TABLE\b"#),
        Clue(name: "CREATE INDEX", pattern: #"\bCREATE\s+(?:UNIQUE\s+)?INDEX\b"#),
        Clue(name: "ALTER TABLE", pattern: #"\bALTER\s+TABLE\b"#),
        Clue(name: "DROP TABLE", pattern: #"\bDROP\s+TABLE\b"#),
    ]

    /// SQLKit's ways to send text as SQL, read in the code outside strings and comments.
    static let sqlKitCalls = [
        Clue(name: "SQLQueryString", pattern: #"\bSQLQueryString\b"#),
        Clue(name: "SQLRaw(", pattern: #"\bSQLRaw\s*\("#),
        Clue(name: ".raw(", pattern: #"\.raw\s*\("#),
    ]

    /// SQLKit, its engine kits and the drivers beneath them: only Store talks to the database.
    static let databaseModules: Set = ["SQLKit", "SQLiteKit", "PostgresKit", "SQLiteNIO", "PostgresNIO", "VaporCSQLite"]

    /// Reads of the engine a caller could branch on, in the code outside strings and comments: the engine type, the
    /// `engine` property compared, switched on or read by key path, and matches on the `.postgres` and `.sqlite` cases
    /// (of `DatabaseEngine` or of the database URL).
    static let engineReads = [
        Clue(name: "DatabaseEngine", pattern: #"\bDatabaseEngine\b"#),
        Clue(name: ".engine compared", pattern: #"\.engine\s*[!=]=|[!=]=\s*[\w.]*\.engine\b"#),
        Clue(name: "switch on .engine", pattern: #"\bswitch\s+[^{]*\.engine\b"#),
        Clue(name: "key path to .engine", pattern: #"\\[\w.]*\.engine\b"#),
        Clue(name: "case .postgres/.sqlite", pattern: #"\bcase\s+(?:let\s+)?\.(?:postgres|sqlite)\b"#),
        Clue(name: "compared with .postgres/.sqlite", pattern: #"[!=]=\s*\.(?:postgres|sqlite)\b|\.(?:postgres|sqlite)\s*[!=]="#),
    ]

    /// Services names SQLKit's connection type, the one its transactions hand to Store's repositories, and nothing else
    /// of it (no SQL text, no `.raw(`: those are checked all the same).
    static let connectionTypeModule = (module: Module.services, imported: "SQLKit")

    /// The sandbox card gateway is a product of its own beside the portal, with its own store and its own tables
    /// (DESIGN §3): its SQL stays in it, and it chooses no engine either.
    static let ownStores: Set = [Module.store.rawValue, Module.sandboxGateway.rawValue]

    /// SQL text, SQLKit calls and database imports in files under `Sources/` outside Store, one violation a line.
    func sqlViolations(in files: [SourceFile]) throws -> [Violation] {
        let statements = try CompiledClues(Self.sqlStatements)
        let calls = try CompiledClues(Self.sqlKitCalls)
        return files.filter { $0.isSource && !Self.ownStores.contains($0.target ?? "") }.flatMap { file in
            var findings = ImportStatement.all(in: file.source)
                .filter { Self.databaseModules.contains($0.module) }
                .filter { !(file.target == Self.connectionTypeModule.module.rawValue && $0.module == Self.connectionTypeModule.imported) }
                .map { (line: $0.line, clue: "import \($0.module)") }
            findings += findingsInCode(file, calls)
            for literal in file.source.literals {
                findings += statements.matches(in: literal.text).map { match in
                    (line: literal.line(at: match.at), clue: "SQL text (\(match.name))")
                }
            }
            return violations(file, findings, to: "SQL", rule: "SQL is written only in SelfCareStore")
        }
    }

    /// Reads of the database engine in files under `Sources/` outside Store, one violation a line.
    func engineViolations(in files: [SourceFile]) throws -> [Violation] {
        let reads = try CompiledClues(Self.engineReads)
        return checked(files).flatMap { file in
            violations(
                file, findingsInCode(file, reads), to: "database engine",
                rule: "only SelfCareStore may branch on the database engine"
            )
        }
    }

    private func checked(_ files: [SourceFile]) -> [SourceFile] {
        files.filter { $0.isSource && $0.target != Module.store.rawValue }
    }

    private func findingsInCode(_ file: SourceFile, _ clues: CompiledClues) -> [(line: Int, clue: String)] {
        file.source.codeLines.enumerated().flatMap { index, line in
            clues.matches(in: line).map { (line: index + 1, clue: $0.name) }
        }
    }

    /// One violation per line of `findings`, naming every clue found on it.
    private func violations(
        _ file: SourceFile, _ findings: [(line: Int, clue: String)], to: String, rule: String
    ) -> [Violation] {
        let byLine = Dictionary(grouping: findings, by: \.line)
        return byLine.keys.sorted().map { line in
            var clues: [String] = []
            for finding in byLine[line, default: []] where !clues.contains(finding.clue) { clues.append(finding.clue) }
            return Violation(
                from: file.target ?? file.path, to: to, location: file.location(line),
                detail: "\(clues.joined(separator: ", ")): \(file.excerpt(line)) (\(rule))"
            )
        }
    }
}

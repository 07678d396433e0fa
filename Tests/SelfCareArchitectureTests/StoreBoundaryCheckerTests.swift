import Testing

/// The SQL and engine checks on synthetic files, so a blind or overeager heuristic fails here whatever the tree holds.
@Suite("Store boundary checker")
struct StoreBoundaryCheckerTests {
    let checker = StoreBoundaryChecker()

    @Test("reports an SQL literal in Web on the line of its statement")
    func sqlLiteralInWeb() throws {
        // given
        let file = SourceFile(path: "Sources/SelfCareWeb/X.swift", text: """
            let one = "SELECT id FROM bills WHERE account = ?"
            let two = \"\"\"
                DELETE FROM sessions
                WHERE expires_at < \\(now)
                \"\"\"
            """)

        // when
        let violations = try checker.sqlViolations(in: [file])

        // then
        #expect(violations.map(\.description) == [
            #"SelfCareWeb → SQL: Sources/SelfCareWeb/X.swift:1 SQL text (SELECT … FROM): let one = "SELECT id FROM "#
                + #"bills WHERE account = ?" (SQL is written only in SelfCareStore)"#,
            "SelfCareWeb → SQL: Sources/SelfCareWeb/X.swift:3 SQL text (DELETE FROM): DELETE FROM sessions "
                + "(SQL is written only in SelfCareStore)",
        ])
    }

    @Test("reports SQLKit imports and raw SQL calls outside Store, one line once")
    func sqlKitOutsideStore() throws {
        // given
        let file = SourceFile(path: "Sources/SelfCareServices/Billing/Lookup.swift", text: """
            import SQLKit
            func find() async throws {
                try await db.raw("UPDATE sessions SET status = \\(bind: status)").run()
                let query: SQLQueryString = "x"
                _ = SQLRaw("y")
            }
            """)

        // when
        let violations = try checker.sqlViolations(in: [file])

        // then
        #expect(violations.map(\.location) == [3, 4, 5].map { "Sources/SelfCareServices/Billing/Lookup.swift:\($0)" })
        #expect(violations.map(\.to) == ["SQL", "SQL", "SQL"])
        #expect(violations[0].detail.hasPrefix(".raw(, SQL text (UPDATE … SET): "))
    }

    @Test("refuses the engine kits in Services and SQLKit itself anywhere above it")
    func databaseImports() throws {
        // given
        let files = [
            SourceFile(path: "Sources/SelfCareServices/Billing/Lookup.swift", text: "import SQLKit\nimport PostgresKit\n"),
            SourceFile(path: "Sources/SelfCareWeb/X.swift", text: "import SQLKit\n"),
        ]

        // when
        let violations = try checker.sqlViolations(in: files)

        // then
        #expect(violations.map(\.location) == ["Sources/SelfCareServices/Billing/Lookup.swift:2", "Sources/SelfCareWeb/X.swift:1"])
    }

    @Test("leaves SQL in Store and in the sandbox gateway's own store alone")
    func sqlInOwnStores() throws {
        // given
        let files = [
            SourceFile(path: "Sources/SelfCareStore/Repositories/BillRepository.swift", text: "import SQLKit\nlet q = db.raw(\"SELECT id FROM bills\")\n"),
            SourceFile(path: "Sources/SandboxGateway/GatewayStore.swift", text: "import SQLKit\nlet q = db.raw(\"SELECT id FROM checkouts\")\n"),
        ]

        // when
        let violations = try checker.sqlViolations(in: files)

        // then
        #expect(violations.isEmpty)
    }

    @Test("leaves SQL in Store alone")
    func sqlInStore() throws {
        // given
        let file = SourceFile(
            path: "Sources/SelfCareStore/Repositories/BillRepository.swift",
            text: "import SQLKit\nlet q = db.raw(\"SELECT id FROM bills\")\n"
        )

        // when
        let violations = try checker.sqlViolations(in: [file])

        // then
        #expect(violations.isEmpty)
    }

    @Test("does not read user texts, comments or names as SQL", arguments: [
        #"let label = "Select a plan from the list""#,
        #"let title = "UPDATE: new settings""#,
        #"let button = "DELETE""#,
        #"let fr = "Sélectionnez une offre dans la liste, puis mettez à jour""#,
        "// SELECT id FROM bills happens in the repository",
        "/* INSERT INTO outbox: see OutboxRepository */",
        "let selectedFrom = rawValue",
        #"let key = "SELECTED_FROM_DATE""#,
    ])
    func noFalseSQL(text: String) throws {
        // given
        let file = SourceFile(path: "Sources/SelfCareWeb/X.swift", text: text)

        // when
        let violations = try checker.sqlViolations(in: [file])

        // then
        #expect(violations.isEmpty)
    }

    @Test("reports a switch on the engine, line by line")
    func engineSwitch() throws {
        // given
        let file = SourceFile(path: "Sources/SelfCareServices/Billing/BillRunner.swift", text: """
            let workers = switch database.engine {
            case .sqlite: 1
            case .postgres: 4
            }
            """)

        // when
        let violations = try checker.engineViolations(in: [file])

        // then
        #expect(violations.map(\.description) == [
            "SelfCareServices → database engine: Sources/SelfCareServices/Billing/BillRunner.swift:1 switch on .engine: "
                + "let workers = switch database.engine { (only SelfCareStore may branch on the database engine)",
            "SelfCareServices → database engine: Sources/SelfCareServices/Billing/BillRunner.swift:2 case .postgres/.sqlite: "
                + "case .sqlite: 1 (only SelfCareStore may branch on the database engine)",
            "SelfCareServices → database engine: Sources/SelfCareServices/Billing/BillRunner.swift:3 case .postgres/.sqlite: "
                + "case .postgres: 4 (only SelfCareStore may branch on the database engine)",
        ])
    }

    @Test("reports each way of reading the engine", arguments: [
        ("let many = db.engine == .postgres", ".engine compared, compared with .postgres/.sqlite"),
        ("if .sqlite != engine.kind { }", "compared with .postgres/.sqlite"),
        ("guard database.engine != other.engine else { return }", ".engine compared"),
        ("let engines = databases.map(\\.engine)", "key path to .engine"),
        ("func open(_ engine: DatabaseEngine) {}", "DatabaseEngine"),
        ("if case .sqlite(let path) = configuration.database {}", "case .postgres/.sqlite"),
    ])
    func engineReads(line: String, clues: String) throws {
        // given
        let file = SourceFile(path: "Sources/selfcare/Commands/BillRun.swift", text: line)

        // when
        let violations = try checker.engineViolations(in: [file])

        // then
        #expect(violations.map(\.detail) == ["\(clues): \(line) (only SelfCareStore may branch on the database engine)"])
    }

    @Test("leaves the engine in Store, comments, texts and other members alone", arguments: [
        ("Sources/SelfCareStore/Database/Database.swift", "switch engine { case .sqlite: 1 case .postgres: 2 }"),
        ("Sources/SelfCareWeb/X.swift", "// on PostgreSQL, case .postgres takes the bulk path"),
        ("Sources/SelfCareWeb/X.swift", #"let help = "set engine == .postgres in the config""#),
        ("Sources/SelfCareWeb/X.swift", "let engineName = settings.engineName"),
        ("Sources/SelfCareWeb/X.swift", "let gateway = GatewayConfiguration(database: .sqlite(path: folder))"),
    ])
    func noFalseEngine(path: String, line: String) throws {
        // given
        let file = SourceFile(path: path, text: line)

        // when
        let violations = try checker.engineViolations(in: [file])

        // then
        #expect(violations.isEmpty)
    }
}

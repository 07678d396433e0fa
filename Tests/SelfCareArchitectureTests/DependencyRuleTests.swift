import Testing

/// The dependency rule of the design (§3), checked on the package's own sources (or on `ARCHITECTURE_ROOT`).
@Suite("Dependency rule")
struct DependencyRuleTests {
    let tree: SourceTree

    init() throws {
        tree = try SourceTree.located()
    }

    @Test("Package.swift declares only the dependencies the rule allows")
    func packageManifest() throws {
        // given
        let manifest = PackageManifest(try tree.manifest())
        let declared = Set(manifest.targets.map(\.name))
        let missing = Module.allCases.map(\.rawValue).filter { !declared.contains($0) }
        try #require(missing.isEmpty, "Package.swift as read declares no target \(missing.joined(separator: ", "))")

        // when
        let violations = ImportChecker().manifestViolations(in: manifest)

        // then
        #expect(violations.isEmpty, "\(violations.report("Dependencies in Package.swift that break the rule"))")
    }

    @Test("every import of ours under Sources/ is an edge the rule allows")
    func sourceImports() throws {
        // given
        let files = try tree.swiftFiles(under: "Sources")
        let folders = Set(files.compactMap(\.target))
        let missing = Module.allCases.map(\.rawValue).filter { !folders.contains($0) }
        try #require(missing.isEmpty, "no Swift file found under Sources/ for \(missing.joined(separator: ", "))")

        // when
        let violations = ImportChecker().importViolations(in: files)

        // then
        #expect(violations.isEmpty, "\(violations.report("Imports under Sources/ that break the rule"))")
    }

    @Test("no file re-exports one of our modules")
    func noExportedImports() throws {
        // given
        let files = try tree.swiftFiles(under: "Sources") + tree.swiftFiles(under: "Tests")
        try #require(!files.isEmpty)

        // when
        let violations = ImportChecker().exportedImportViolations(in: files)

        // then
        #expect(violations.isEmpty, "\(violations.report("@_exported imports of our modules"))")
    }

    @Test("no SQL text nor SQLKit call outside SelfCareStore")
    func noSQLOutsideStore() throws {
        // given
        let files = try tree.swiftFiles(under: "Sources")
        try #require(files.contains { $0.target == Module.store.rawValue })

        // when
        let violations = try StoreBoundaryChecker().sqlViolations(in: files)

        // then
        #expect(violations.isEmpty, "\(violations.report("Lines outside SelfCareStore with SQL"))")
    }

    @Test("no branch on the database engine outside SelfCareStore")
    func noEngineSwitchOutsideStore() throws {
        // given
        let files = try tree.swiftFiles(under: "Sources")
        try #require(!files.isEmpty)

        // when
        let violations = try StoreBoundaryChecker().engineViolations(in: files)

        // then
        #expect(violations.isEmpty, "\(violations.report("Lines outside SelfCareStore that branch on the database engine"))")
    }
}

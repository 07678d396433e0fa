import Testing

/// The import checker on synthetic files, so a blind or overeager checker fails here whatever the tree holds.
@Suite("Import checker")
struct ImportCheckerTests {
    let checker = ImportChecker()

    @Test("reports Web importing Store as exactly that edge")
    func reportsForbiddenImport() {
        // given
        let file = SourceFile(path: "Sources/SelfCareWeb/X.swift", text: "import SelfCareStore\n")

        // when
        let violations = checker.importViolations(in: [file])

        // then
        #expect(violations.map(\.description) == [
            "SelfCareWeb → SelfCareStore: Sources/SelfCareWeb/X.swift:1 imports SelfCareStore "
                + "(Web may import only SelfCareServices, SelfCareCore)",
        ])
    }

    @Test("lets Web import Services, Core and modules not ours")
    func allowsPermittedImports() {
        // given
        let file = SourceFile(
            path: "Sources/SelfCareWeb/Controllers/BillsController.swift",
            text: "import Foundation\nimport Hummingbird\nimport SelfCareCore\nimport SelfCareServices\n"
        )

        // when
        let violations = checker.importViolations(in: [file])

        // then
        #expect(violations.isEmpty)
    }

    @Test("lets Serve.swift import SelfCareWeb and refuses it to BillRun.swift")
    func webOnlyInServe() {
        // given
        let serve = SourceFile(path: "Sources/selfcare/Commands/Serve.swift", text: "import SelfCareWeb\n")
        let billRun = SourceFile(path: "Sources/selfcare/Commands/BillRun.swift", text: "import SelfCareWeb\n")

        // when
        let violations = checker.importViolations(in: [serve, billRun])

        // then
        #expect(violations.map(\.description) == [
            "selfcare → SelfCareWeb: Sources/selfcare/Commands/BillRun.swift:1 imports SelfCareWeb "
                + "(selfcare may import SelfCareWeb only in Sources/selfcare/Commands/Serve.swift)",
        ])
    }

    @Test("lets Gateway.swift import SandboxGateway and refuses it to Serve.swift")
    func gatewayOnlyInGateway() {
        // given
        let gateway = SourceFile(path: "Sources/selfcare/Commands/Gateway.swift", text: "import SandboxGateway\n")
        let serve = SourceFile(path: "Sources/selfcare/Commands/Serve.swift", text: "import SandboxGateway\n")

        // when
        let violations = checker.importViolations(in: [gateway, serve])

        // then
        #expect(violations.map(\.location) == ["Sources/selfcare/Commands/Serve.swift:1"])
        #expect(violations.map(\.to) == ["SandboxGateway"])
    }

    @Test("reads every form of import declaration", arguments: [
        "@testable import SelfCareStore",
        "@_exported import SelfCareStore",
        "import struct SelfCareStore.Database",
        "public import SelfCareStore",
        "@preconcurrency import SelfCareStore",
        "import Foundation; import SelfCareStore",
    ])
    func readsImportForms(declaration: String) {
        // given Core, which may import none of our modules
        let file = SourceFile(path: "Sources/SelfCareCore/X.swift", text: "// header\n\(declaration)\n")

        // when
        let violations = checker.importViolations(in: [file])

        // then
        #expect(violations.map(\.description) == [
            "SelfCareCore → SelfCareStore: Sources/SelfCareCore/X.swift:2 imports SelfCareStore "
                + "(Core may import none of our modules)",
        ])
    }

    @Test("does not take an import in a comment or a string for one", arguments: [
        "// import SelfCareStore",
        "/* a\nimport SelfCareStore\n*/",
        "let usage = \"\"\"\nimport SelfCareStore\n\"\"\"",
        "let hint = \"import SelfCareStore\"",
    ])
    func ignoresCommentsAndStrings(text: String) {
        // given
        let file = SourceFile(path: "Sources/SelfCareCore/X.swift", text: text)

        // when
        let violations = checker.importViolations(in: [file])

        // then
        #expect(violations.isEmpty)
    }

    @Test("reports a module folder the rule does not name, and imports of it")
    func unknownModule() {
        // given
        let new = SourceFile(path: "Sources/SelfCareReports/Report.swift", text: "import SelfCareCore\n")
        let web = SourceFile(path: "Sources/SelfCareWeb/X.swift", text: "import SelfCareReports\n")

        // when
        let violations = checker.importViolations(in: [new, web])

        // then
        #expect(violations.map(\.description) == [
            "SelfCareReports → ?: Sources/SelfCareReports is a module the dependency rule does not name",
            "SelfCareWeb → SelfCareReports: Sources/SelfCareWeb/X.swift:1 imports SelfCareReports "
                + "(Web may import only SelfCareServices, SelfCareCore)",
        ])
    }

    @Test("reports a re-export of a module even where importing it is allowed")
    func exportedImport() {
        // given Services, which may import Store
        let file = SourceFile(
            path: "Sources/SelfCareServices/Exports.swift",
            text: "import Foundation\n@_exported import SelfCareStore\n@_exported import Logging\n"
        )

        // when
        let violations = checker.exportedImportViolations(in: [file])

        // then
        #expect(violations.map(\.description) == [
            "SelfCareServices → SelfCareStore: Sources/SelfCareServices/Exports.swift:2 re-exports SelfCareStore "
                + "with @_exported import (every importer of SelfCareServices would reach SelfCareStore without importing it)",
        ])
    }
}

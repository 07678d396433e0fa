import Foundation
import Testing

/// Where the rule finds the sources it reads, on throwaway folders.
@Suite("Source tree")
struct SourceTreeTests {
    /// A package folder with `Package.swift`, one source file and one test file, removed by `remove()`.
    struct Checkout {
        let root: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("architecture-\(UUID().uuidString)")
            for folder in ["Sources/SelfCareWeb/Controllers", "Tests/SelfCareArchitectureTests"] {
                try FileManager.default.createDirectory(
                    at: root.appendingPathComponent(folder), withIntermediateDirectories: true
                )
            }
            try write("// swift-tools-version:6.2\n", to: "Package.swift")
            try write("import SelfCareStore\n", to: "Sources/SelfCareWeb/Controllers/X.swift")
            try write("import Testing\n", to: "Tests/SelfCareArchitectureTests/T.swift")
        }

        func write(_ text: String, to path: String) throws {
            try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }

        func remove() {
            try? FileManager.default.removeItem(at: root)
        }
    }

    @Test("walks up from the test file to the folder holding Package.swift")
    func walksUp() throws {
        // given
        let checkout = try Checkout()
        defer { checkout.remove() }
        let testFile = checkout.root.appendingPathComponent("Tests/SelfCareArchitectureTests/T.swift").path

        // when
        let tree = try SourceTree.located(from: testFile, environment: [:])

        // then
        #expect(tree.root.path == checkout.root.standardizedFileURL.path)
        #expect(try tree.swiftFiles(under: "Sources").map(\.path) == ["Sources/SelfCareWeb/Controllers/X.swift"])
    }

    @Test("reads ARCHITECTURE_ROOT before the test file's own package")
    func environmentFirst() throws {
        // given
        let own = try Checkout()
        let other = try Checkout()
        defer {
            own.remove()
            other.remove()
        }
        let testFile = own.root.appendingPathComponent("Tests/SelfCareArchitectureTests/T.swift").path

        // when
        let tree = try SourceTree.located(from: testFile, environment: ["ARCHITECTURE_ROOT": other.root.path])

        // then
        #expect(tree.root.path == other.root.standardizedFileURL.path)
    }

    @Test("refuses a root without Sources/")
    func refusesRootWithoutSources() throws {
        // given
        let checkout = try Checkout()
        defer { checkout.remove() }
        try FileManager.default.removeItem(at: checkout.root.appendingPathComponent("Sources"))

        // when / then
        #expect(throws: SourceTree.NotFound.self) {
            try SourceTree.located(from: "/nowhere/T.swift", environment: ["ARCHITECTURE_ROOT": checkout.root.path])
        }
    }
}

import Foundation

/// A Swift file of the package, named by its path from the package root (`Sources/SelfCareWeb/…`).
struct SourceFile: Sendable {
    let path: String
    let source: SwiftSource

    init(path: String, text: String) {
        self.path = path
        source = SwiftSource(text)
    }

    /// The folder under `Sources/` or `Tests/` the file belongs to: its module or test target.
    var target: String? {
        let components = path.split(separator: "/")
        guard components.count > 2, ["Sources", "Tests"].contains(components[0]) else { return nil }
        return String(components[1])
    }

    /// Whether the file lies under `Sources/`.
    var isSource: Bool { path.hasPrefix("Sources/") }

    /// `path:line`, as failure messages name a place.
    func location(_ line: Int) -> String { "\(path):\(line)" }

    /// Line `line` as written, trimmed and shortened, to quote in a failure message.
    func excerpt(_ line: Int) -> String {
        guard source.lines.indices.contains(line - 1) else { return "" }
        let text = source.lines[line - 1].trimmingCharacters(in: .whitespacesAndNewlines)
        return text.count > 100 ? text.prefix(99) + "…" : text
    }
}

/// The checkout the rule reads: `ARCHITECTURE_ROOT` when set, else the package holding this file.
struct SourceTree: Sendable {
    struct NotFound: Error, CustomStringConvertible {
        let description: String
    }

    let root: URL

    /// Finds the root from `ARCHITECTURE_ROOT`, or by walking up from `filePath` to the folder holding `Package.swift`.
    static func located(
        from filePath: String = #filePath,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SourceTree {
        let files = FileManager.default
        let root: URL
        if let override = environment["ARCHITECTURE_ROOT"], !override.isEmpty {
            root = URL(fileURLWithPath: override, isDirectory: true).standardizedFileURL
            guard files.fileExists(atPath: root.appendingPathComponent("Package.swift").path) else {
                throw NotFound(description: "ARCHITECTURE_ROOT=\(override) holds no Package.swift")
            }
        } else {
            var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().standardizedFileURL
            while !files.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                guard folder.pathComponents.count > 1 else {
                    throw NotFound(description: "no Package.swift above \(filePath); set ARCHITECTURE_ROOT")
                }
                folder.deleteLastPathComponent()
            }
            root = folder
        }
        guard files.fileExists(atPath: root.appendingPathComponent("Sources").path) else {
            throw NotFound(description: "\(root.path) has no Sources folder; set ARCHITECTURE_ROOT to a checkout")
        }
        return SourceTree(root: root)
    }

    /// The text of `Package.swift`.
    func manifest() throws -> String {
        try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    }

    /// The folders directly under `Sources/`, sorted.
    func moduleFolders() throws -> [String] {
        let sources = root.appendingPathComponent("Sources")
        return try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: sources.appendingPathComponent(name).path, isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
    }

    /// Every `.swift` file under the root's folder `folder` (`Sources`, `Tests`), read, sorted by path.
    func swiftFiles(under folder: String) throws -> [SourceFile] {
        let base = root.appendingPathComponent(folder)
        guard let paths = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return try paths.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            .sorted()
            .map { relative in
                let text = try String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8)
                return SourceFile(path: "\(folder)/\(relative)", text: text)
            }
    }
}

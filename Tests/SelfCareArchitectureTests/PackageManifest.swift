/// The targets of a `Package.swift` and the targets they depend on, read from its text without building it.
///
/// Reads each `.target(…)` and `.executableTarget(…)`: its `name:`, its `path:`, and in `dependencies: […]` the entries
/// written as a string (`"SelfCareCore"`) or as `.target(name:)` / `.byName(name:)`; `.product(…)` entries are
/// skipped. Other target kinds (`.testTarget`, `.plugin`, …) are stepped over whole, so a `.target(name:)` among their
/// dependencies is not taken for a target.
struct PackageManifest: Sendable {
    struct Dependency: Sendable, Equatable {
        let name: String
        let line: Int
    }

    struct Target: Sendable {
        let name: String
        let path: String?
        let line: Int
        let dependencies: [Dependency]
    }

    let targets: [Target]

    private static let readKinds: Set = ["target", "executableTarget"]
    private static let skippedKinds: Set = ["testTarget", "plugin", "macro", "binaryTarget", "systemLibrary"]

    init(_ text: String) {
        let reader = Reader(source: SwiftSource(text))
        var targets: [Target] = []
        var index = 0
        while index < reader.code.count {
            guard let (kind, open) = reader.call(at: index),
                  Self.readKinds.contains(kind) || Self.skippedKinds.contains(kind),
                  let close = reader.closing(open)
            else {
                index += 1
                continue
            }
            if Self.readKinds.contains(kind), let target = reader.target(in: open..<close) {
                targets.append(target)
            }
            index = close + 1
        }
        self.targets = targets
    }
}

/// Finds calls, labels and brackets in the blanked code of a manifest, and the string literals between them.
private struct Reader {
    let source: SwiftSource
    var code: [UInt8] { source.code }

    /// `(name, index of its "(")` when `.name(` starts at `index`.
    func call(at index: Int) -> (String, Int)? {
        guard code[index] == UInt8(ascii: "."), index + 1 < code.count, isIdentifierStart(code[index + 1]) else { return nil }
        var end = index + 1
        while end < code.count, isIdentifier(code[end]) { end += 1 }
        guard end < code.count, code[end] == UInt8(ascii: "(") else { return nil }
        return (String(decoding: code[(index + 1)..<end], as: UTF8.self), end)
    }

    /// The index of the bracket closing the one at `open`.
    func closing(_ open: Int) -> Int? {
        var depth = 0
        for index in open..<code.count {
            switch code[index] {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    func target(in call: Range<Int>) -> PackageManifest.Target? {
        let labels = topLevelLabels(in: call)
        guard let nameLabel = labels["name"], let name = literal(after: nameLabel, before: call.upperBound) else { return nil }
        let path = labels["path"].flatMap { literal(after: $0, before: call.upperBound) }?.text
        var dependencies: [PackageManifest.Dependency] = []
        if let label = labels["dependencies"],
           let open = (label..<call.upperBound).first(where: { code[$0] == UInt8(ascii: "[") }),
           let close = closing(open) {
            dependencies = elements(in: (open + 1)..<close).compactMap(dependency(in:))
        }
        return PackageManifest.Target(name: name.text, path: path, line: name.line, dependencies: dependencies)
    }

    /// The index after each `label:` written directly inside the call whose `(` is at `call.lowerBound`.
    private func topLevelLabels(in call: Range<Int>) -> [String: Int] {
        var labels: [String: Int] = [:]
        var depth = 0
        var index = call.lowerBound + 1
        while index < call.upperBound {
            let byte = code[index]
            if [UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{")].contains(byte) { depth += 1 }
            if [UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(byte) { depth -= 1 }
            if depth == 0, isIdentifierStart(byte), index == 0 || !isIdentifier(code[index - 1]) {
                var end = index
                while end < call.upperBound, isIdentifier(code[end]) { end += 1 }
                var colon = end
                while colon < call.upperBound, code[colon] == UInt8(ascii: " ") { colon += 1 }
                if colon < call.upperBound, code[colon] == UInt8(ascii: ":") {
                    labels[String(decoding: code[index..<end], as: UTF8.self)] = colon + 1
                }
                index = end
                continue
            }
            index += 1
        }
        return labels
    }

    /// The ranges of the comma-separated elements directly inside `range`.
    private func elements(in range: Range<Int>) -> [Range<Int>] {
        var elements: [Range<Int>] = []
        var depth = 0
        var start = range.lowerBound
        for index in range {
            switch code[index] {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ",") where depth == 0:
                elements.append(start..<index)
                start = index + 1
            default: break
            }
        }
        elements.append(start..<range.upperBound)
        return elements
    }

    /// The target a dependency element names: `"X"`, `.target(name: "X")` or `.byName(name: "X")`.
    private func dependency(in element: Range<Int>) -> PackageManifest.Dependency? {
        guard let first = element.first(where: { !isSpace(code[$0]) }) else { return nil }
        if code[first] == UInt8(ascii: "\"") || code[first] == UInt8(ascii: "#") {
            return literal(after: first, before: element.upperBound).map { .init(name: $0.text, line: $0.line) }
        }
        guard let (kind, open) = call(at: first), ["target", "byName"].contains(kind), let close = closing(open),
              let label = topLevelLabels(in: open..<close)["name"],
              let name = literal(after: label, before: close)
        else { return nil }
        return .init(name: name.text, line: name.line)
    }

    private func literal(after index: Int, before end: Int) -> StringLiteral? {
        source.literals.first { $0.offset >= index && $0.offset < end }
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    private func isIdentifier(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

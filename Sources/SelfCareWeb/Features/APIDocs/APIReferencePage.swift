import Foundation
import Ink
import Yams

/// The API reference, built once from the OpenAPI document the portal serves: every operation by tag, with its
/// parameters, request body and answers.
struct APIReferencePage: Sendable {
    let title: String
    let version: String
    let introHTML: String
    let tags: [ReferenceTag]
    let operationCount: Int
}

/// A tag of the document and its operations, in the document's order.
struct ReferenceTag: Sendable {
    let id: String
    let name: String
    let descriptionHTML: String
    let operations: [ReferenceOperation]
}

/// One operation: method and path, what it does, what it takes and what it answers.
struct ReferenceOperation: Sendable {
    let id: String
    let method: String
    let methodClass: String
    let path: String
    let summary: String
    let descriptionHTML: String
    let isPublic: Bool
    let parameters: [ReferenceField]
    let hasParameters: Bool
    let body: [ReferenceField]
    let hasBody: Bool
    let responses: [ReferenceResponse]
}

/// A parameter or a property of a request body.
struct ReferenceField: Sendable {
    let name: String
    let location: String
    let type: String
    let required: Bool
    let descriptionHTML: String
}

/// One answer of an operation.
struct ReferenceResponse: Sendable {
    let status: String
    let isError: Bool
    let descriptionHTML: String
    let schema: String
}

extension APIReferencePage {
    /// The reference of the YAML document `text`.
    init(yaml text: String) throws {
        guard let root = try Yams.compose(yaml: text) else { throw ReferenceError("the OpenAPI document is empty") }
        let reader = DocumentReader(root: root)
        var byTag: [String: [ReferenceOperation]] = [:]
        var tagOrder = (root["tags"]?.array() ?? []).compactMap { $0["name"]?.string }
        for (pathKey, item) in root["paths"]?.mapping ?? [:] {
            guard let path = pathKey.string else { continue }
            let shared = item["parameters"]?.array() ?? []
            for (methodKey, operation) in item.mapping ?? [:] {
                guard let method = methodKey.string, DocumentReader.methods.contains(method) else { continue }
                let tag = operation["tags"]?.array().first?.string ?? "Other"
                if !tagOrder.contains(tag) { tagOrder.append(tag) }
                byTag[tag, default: []].append(reader.operation(method: method, path: path, operation, shared: shared))
            }
        }
        let tagDescriptions = Dictionary((root["tags"]?.array() ?? []).compactMap { tag in
            tag["name"]?.string.map { ($0, reader.html(tag["description"]?.string)) }
        }, uniquingKeysWith: { first, _ in first })
        let tags = tagOrder.compactMap { name -> ReferenceTag? in
            guard let operations = byTag[name], !operations.isEmpty else { return nil }
            return ReferenceTag(id: "tag-" + DocumentReader.anchor(name), name: name, descriptionHTML: tagDescriptions[name] ?? "",
                                operations: operations)
        }
        self.init(
            title: root["info"]?["title"]?.string ?? "API", version: root["info"]?["version"]?.string ?? "",
            introHTML: reader.html(root["info"]?["description"]?.string), tags: tags,
            operationCount: tags.reduce(0) { $0 + $1.operations.count })
    }
}

struct ReferenceError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Reads the parts of the document the reference shows, following `$ref`s into `components`.
private struct DocumentReader {
    static let methods = ["get", "put", "post", "delete", "patch"]
    let root: Node

    func operation(method: String, path: String, _ operation: Node, shared: [Node]) -> ReferenceOperation {
        let parameters = (shared + (operation["parameters"]?.array() ?? [])).map(resolved).map { parameter in
            ReferenceField(
                name: parameter["name"]?.string ?? "", location: parameter["in"]?.string ?? "",
                type: type(of: parameter["schema"]), required: parameter["required"]?.bool ?? false,
                descriptionHTML: html(parameter["description"]?.string))
        }
        let body = bodyFields(operation["requestBody"].map(resolved))
        let responses = (operation["responses"]?.mapping ?? [:]).map { status, answer in
            let answer = resolved(answer)
            let code = status.string ?? ""
            return ReferenceResponse(
                status: code, isError: !(code.hasPrefix("2") || code.hasPrefix("3")), descriptionHTML: html(answer["description"]?.string),
                schema: answer["content"]?.mapping?.first.map { type(of: $0.value["schema"]) } ?? "")
        }
        let security = operation["security"]?.array()
        return ReferenceOperation(
            id: operation["operationId"]?.string ?? Self.anchor(method + path), method: method.uppercased(), methodClass: method, path: path,
            summary: operation["summary"]?.string ?? "", descriptionHTML: html(operation["description"]?.string),
            isPublic: security.map(\.isEmpty) ?? false, parameters: parameters, hasParameters: !parameters.isEmpty, body: body,
            hasBody: !body.isEmpty, responses: responses)
    }

    /// The properties of a JSON request body, one level deep (`allOf` parts merged).
    private func bodyFields(_ body: Node?) -> [ReferenceField] {
        guard let content = body?["content"]?.mapping?.first?.value, let schema = content["schema"].map(resolved) else { return [] }
        let parts = schema["allOf"]?.array().map(resolved) ?? [schema]
        return parts.flatMap { part -> [ReferenceField] in
            let required = Set((part["required"]?.array() ?? []).compactMap(\.string))
            return (part["properties"]?.mapping ?? [:]).map { name, property in
                let key = name.string ?? ""
                return ReferenceField(name: key, location: "body", type: type(of: property), required: required.contains(key),
                                      descriptionHTML: html(resolved(property)["description"]?.string))
            }
        }
    }

    /// A schema in a few words: `string (date)`, `array of Bill`, `one of: a, b`.
    func type(of schema: Node?) -> String {
        guard let schema else { return "" }
        if let reference = schema["$ref"]?.string { return String(reference.split(separator: "/").last ?? "") }
        if let items = schema["items"], schema["type"]?.string == "array" { return "array of " + type(of: items) }
        if let values = schema["enum"]?.array(), !values.isEmpty {
            return "one of: " + values.compactMap(\.string).joined(separator: ", ")
        }
        if let parts = schema["allOf"]?.array() ?? schema["oneOf"]?.array() ?? schema["anyOf"]?.array() {
            return parts.map { type(of: $0) }.filter { !$0.isEmpty }.joined(separator: " + ")
        }
        let base = schema["type"]?.string ?? schema["type"]?.array().compactMap(\.string).joined(separator: " or ") ?? "object"
        return schema["format"]?.string.map { "\(base) (\($0))" } ?? base
    }

    /// `node`, or what its `$ref` points to in the document.
    func resolved(_ node: Node) -> Node {
        guard let reference = node["$ref"]?.string, reference.hasPrefix("#/") else { return node }
        var target: Node? = root
        for part in reference.dropFirst(2).split(separator: "/") {
            target = target?[String(part)]
        }
        return target ?? node
    }

    /// Markdown from the document as HTML (the document is ours; its text is trusted).
    func html(_ markdown: String?) -> String {
        ReferenceMarkdown.html(markdown)
    }

    static func anchor(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}

/// The document's Markdown as the reference page shows it.
enum ReferenceMarkdown {
    /// Markdown from the document as HTML (the document is ours; its text is trusted).
    static func html(_ markdown: String?) -> String {
        guard let markdown, !markdown.isEmpty else { return "" }
        return MarkdownParser().html(from: Self.joiningWrappedLines(markdown))
    }

    /// The text with each paragraph on one line: the document wraps its prose at 120 columns, and the parser would
    /// otherwise end a paragraph at every line break. Blank lines, list items, headings, tables and code stay as they are.
    static func joiningWrappedLines(_ markdown: String) -> String {
        var lines: [String] = []
        var inCode = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") { inCode.toggle() }
            let startsBlock = trimmed.isEmpty || inCode || trimmed.hasPrefix("```") || trimmed.hasPrefix("#") || trimmed.hasPrefix("|")
                || trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix(">")
                || trimmed.range(of: #"^\d+\. "#, options: .regularExpression) != nil
            if !startsBlock, let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty, !last.hasPrefix("```"),
               !last.trimmingCharacters(in: .whitespaces).hasPrefix("|"), !last.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                lines[lines.count - 1] = last + " " + trimmed
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}

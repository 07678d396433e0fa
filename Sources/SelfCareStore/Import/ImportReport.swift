/// A refused row of an import file: its line number in the file (the header is line 1) and why.
package struct RejectedRow: Sendable, Hashable, Codable {
    package var line: Int
    package var reason: String

    package init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// The identifiers of one imported account, as printed by `import-customers` and `seed-demo`.
package struct AccountIdentifiers: Sendable, Hashable, Codable {
    package var clientRef: String
    package var accountId: String
    package var msisdn: String
}

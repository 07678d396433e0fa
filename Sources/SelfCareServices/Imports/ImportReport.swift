/// The identifiers of one imported account, as printed by `import-customers` and `seed-demo`.
package struct AccountIdentifiers: Sendable, Hashable, Codable {
    package var clientRef: String
    package var accountId: String
    package var msisdn: String
}

import Foundation
import SelfCareStore

/// How the sandbox gateway runs: where it listens, its keys, its store and where it posts events.
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The address browsers reach the hosted card page at.
    public var publicURL: String
    public var secretKey: String
    public var webhookSecret: String
    public var webhookURL: String
    /// The merchant the card page says the payer pays.
    public var merchantName: String
    package var database: DatabaseURL

    package init(
        host: String, port: Int, publicURL: String, secretKey: String, webhookSecret: String, webhookURL: String,
        merchantName: String = "SelfCare", database: DatabaseURL
    ) {
        self.merchantName = merchantName
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.secretKey = secretKey
        self.webhookSecret = webhookSecret
        self.webhookURL = webhookURL
        self.database = database
    }
}

extension GatewayConfiguration {
    /// The gateway's store: the database `text` names when given, else `gateway.sqlite` in `folder`.
    package static func store(_ text: String?, folder: String) throws -> DatabaseURL {
        guard let text else { return .sqlite(path: folder + "/gateway.sqlite") }
        do { return try DatabaseURL(text) } catch { throw GatewayStoreAddressError(description: "--database: \(error.description)") }
    }
}

/// A gateway store address that cannot be read.
package struct GatewayStoreAddressError: Error, CustomStringConvertible {
    package var description: String
}

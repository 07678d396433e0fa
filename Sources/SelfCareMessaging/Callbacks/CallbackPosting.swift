import Foundation

/// One HTTP POST to a callback, sent to an address already checked: the connection goes to `address`, while TLS
/// (SNI, certificate name) and the `Host` header keep the callback's own name.
package struct CallbackCall: Sendable {
    package var url: URL
    /// The numeric IP address to connect to, resolved and checked by the caller.
    package var address: String
    package var headers: [(name: String, value: String)]
    package var body: Data
    /// The longest the whole call may take: connection, TLS, request and the answer's status line.
    package var timeout: Duration

    package init(url: URL, address: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) {
        self.url = url
        self.address = address
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// How a callback call ended, in categories a subscriber may be shown (never a client library's own text).
package enum CallbackOutcome: Sendable, Hashable {
    /// The receiver answered with this HTTP status.
    case answered(Int)
    /// No answer within the call's time.
    case timeout
    /// The connection was refused.
    case refused
    /// The TLS handshake failed (certificate, protocol).
    case tls
    /// The connection could not be made or broke off.
    case network

    /// The category as stored and shown: `http 503`, `timeout`, `refused`, `tls`, `network`.
    package var category: String {
        switch self {
        case .answered(let status): "http \(status)"
        case .timeout: "timeout"
        case .refused: "refused"
        case .tls: "tls"
        case .network: "network"
        }
    }
}

/// Sends callback calls.
package protocol CallbackPosting: Sendable {
    func post(_ call: CallbackCall) async -> CallbackOutcome
}

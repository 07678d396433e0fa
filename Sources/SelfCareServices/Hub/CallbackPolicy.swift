import Foundation
import SelfCareMessaging

/// Where event callbacks may point: in production only HTTPS, to port 443 or a port the operator allows, and never to
/// this machine, a private network or any other address that is not globally reachable (checked when subscribing
/// and at each delivery, on the addresses the name has then, and the delivery connects to the very address checked);
/// in development anything HTTP(S).
package struct CallbackPolicy: Sendable {
    package var production: Bool
    /// Ports a production callback may use besides 443.
    package var extraPorts: Set<Int>
    private let resolver: any HostResolving

    /// The longest callback accepted, in characters (code points).
    static let maximumLength = 2000

    package init(production: Bool, extraPorts: Set<Int> = [], resolver: any HostResolving = SystemHostResolver()) {
        self.production = production
        self.extraPorts = extraPorts
        self.resolver = resolver
    }

    /// Where a call to a callback goes: its URL and the one address, checked, to connect to.
    package struct Target: Sendable {
        package var url: URL
        package var address: String
    }

    /// Why `text` may not be a callback, or nil when it may: in production its name must resolve, to public addresses
    /// only; in development its shape is enough.
    package func refusal(_ text: String) async -> String? {
        if let refusal = shapeRefusal(text) { return refusal.reason }
        guard production else { return nil }
        if case .failure(let refusal) = await target(text) { return refusal.reason }
        return nil
    }

    /// Why a callback cannot be called.
    package struct Refusal: Error, Sendable {
        package var reason: String
        /// What a subscriber is shown of it: `invalid`, `resolution` or `address`, never more.
        package var category: String
    }

    /// What is wrong with `text` before its name is resolved.
    private func shapeRefusal(_ text: String) -> Refusal? {
        guard text.unicodeScalars.count <= Self.maximumLength else {
            return Refusal(reason: "the callback is longer than \(Self.maximumLength) characters", category: "invalid")
        }
        guard Self.isWellFormed(text), let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host != nil else {
            return Refusal(reason: "the callback must be an absolute http or https URL", category: "invalid")
        }
        guard url.user == nil, url.password == nil else {
            return Refusal(reason: "the callback may not carry a user name or password", category: "invalid")
        }
        guard scheme == "https" || (scheme == "http" && !production) else {
            return Refusal(reason: production ? "the callback must use https" : "the callback must use http or https", category: "invalid")
        }
        if production, let port = url.port, port != 443, !extraPorts.contains(port) {
            let others = extraPorts.sorted().map(String.init).joined(separator: ", ")
            return Refusal(reason: "the callback must use port 443" + (others.isEmpty ? "" : " or " + others), category: "invalid")
        }
        return nil
    }

    /// The URL of `text` and the address to call it at, resolved once and checked; or why not.
    package func target(_ text: String) async -> Result<Target, Refusal> {
        if let refusal = shapeRefusal(text) { return .failure(refusal) }
        guard let url = URL(string: text), let host = url.host else {
            return .failure(Refusal(reason: "the callback must be an absolute http or https URL", category: "invalid"))
        }
        let addresses = await resolver.addresses(of: host)
        guard let first = addresses.first else {
            return .failure(Refusal(reason: "the callback's host \(host) does not resolve", category: "resolution"))
        }
        if production {
            for address in addresses {
                if let restriction = SpecialPurposeAddresses.restriction(address) {
                    return .failure(Refusal(reason: "the callback's host \(host) has an address that is not public (\(address): \(restriction))",
                                            category: "address"))
                }
            }
        }
        return .success(Target(url: url, address: first))
    }

    /// The shape the API document gives a callback (`openapi.yaml`, `callback.pattern`), checked as written there: an
    /// http(s) scheme, a DNS name (or an IPv4 address), a port up to 65535, then a path or query of RFC 3986
    /// characters and two-digit escapes; no user name, no fragment.
    static func isWellFormed(_ text: String) -> Bool {
        (try? shape.wholeMatch(in: text)) != nil
    }

    /// The pattern, as the document writes it between `^` and `$`.
    package static let shapePattern = #"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9-][A-Za-z0-9.-]*"#
        + #"(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"#
        + #"(?:[/?](?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?"#

    nonisolated(unsafe) private static let shape = try! Regex(shapePattern)
}

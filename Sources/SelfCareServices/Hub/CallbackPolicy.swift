import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where event callbacks may point: in production only HTTPS, and never to this machine or a private network (checked
/// when subscribing and again at each delivery, after resolving the name); in development anything HTTP(S).
package struct CallbackPolicy: Sendable {
    package var production: Bool

    /// The longest callback accepted, in characters (code points).
    static let maximumLength = 2000

    package init(production: Bool) {
        self.production = production
    }

    /// Why `text` may not be a callback, or nil when it may.
    package func refusal(_ text: String) -> String? {
        guard text.unicodeScalars.count <= Self.maximumLength else { return "the callback is longer than \(Self.maximumLength) characters" }
        guard Self.isWellFormed(text), let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            return "the callback must be an absolute http or https URL"
        }
        guard url.user == nil, url.password == nil else { return "the callback may not carry a user name or password" }
        guard scheme == "https" || (scheme == "http" && !production) else {
            return production ? "the callback must use https" : "the callback must use http or https"
        }
        guard production else { return nil }
        let addresses = Self.addresses(of: host)
        guard !addresses.isEmpty else { return "the callback's host \(host) does not resolve" }
        if let inner = addresses.first(where: Self.isInternal) { return "the callback's host \(host) is an internal address (\(inner))" }
        return nil
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

    /// The IPv4 and IPv6 addresses `host` resolves to.
    static func addresses(of host: String) -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(bare, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// Loopback, private, link-local, carrier-grade NAT, unspecified, multicast and unique-local addresses.
    static func isInternal(_ address: String) -> Bool {
        let lower = address.lowercased()
        if lower.contains(":") {
            if lower == "::1" || lower == "::" { return true }
            if lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb") { return true }
            if lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("ff") { return true }
            if lower.hasPrefix("::ffff:") { return isInternal(String(lower.dropFirst(7))) }
            return false
        }
        let parts = address.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return true }
        switch (parts[0], parts[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (172, 16...31), (100, 64...127): return true
        case (224...255, _): return true
        default: return false
        }
    }
}

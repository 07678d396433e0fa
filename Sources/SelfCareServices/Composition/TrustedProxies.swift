#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reverse proxies allowed to name the client in `X-Forwarded-For` (`TRUSTED_PROXIES`: addresses or CIDR ranges,
/// comma-separated). Without any, the header is ignored and the connection's peer is the client.
package struct TrustedProxies: Sendable, Equatable {
    private var ranges: [AddressRange] = []

    package init() {}

    /// Parses `10.0.0.1, 10.1.0.0/16, ::1`.
    package init(_ text: String) throws(TrustedProxiesError) {
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let range = AddressRange(entry) else { throw TrustedProxiesError(entry: entry) }
            ranges.append(range)
        }
    }

    package var isEmpty: Bool { ranges.isEmpty }

    package func contains(_ address: String) -> Bool {
        guard let bytes = AddressRange.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client of a request that reached us from `peer`: when the peer is a trusted proxy, the right-most address of
    /// `X-Forwarded-For` that is not itself a trusted proxy; otherwise the peer.
    package func client(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard AddressRange.bytes(of: hop) != nil else { return peer }
            if !contains(hop) { return hop }
        }
        return hops.first.flatMap { AddressRange.bytes(of: $0) != nil ? $0 : nil } ?? peer
    }
}

/// A `TRUSTED_PROXIES` entry that is neither an address nor a CIDR range.
package struct TrustedProxiesError: Error, Sendable, CustomStringConvertible {
    package var entry: String
    package var description: String { "'\(entry)' is not an IP address or a CIDR range like 10.0.0.0/8" }
}

/// An IPv4 or IPv6 network: address bytes and prefix length.
private struct AddressRange: Sendable, Equatable {
    var network: [UInt8]
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let bytes = Self.bytes(of: parts[0]) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefix = length
        } else {
            prefix = bits
        }
        network = bytes
    }

    func contains(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == network.count else { return false }
        var left = prefix
        for index in network.indices where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            guard bytes[index] & mask == network[index] & mask else { return false }
            left -= 8
        }
        return true
    }

    /// The 4 or 16 bytes of a textual address (brackets around IPv6 allowed), nil if it is not one.
    static func bytes(of text: String) -> [UInt8]? {
        var bare = text
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

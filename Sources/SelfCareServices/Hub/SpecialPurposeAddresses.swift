import SelfCareCore

/// The IPv4 and IPv6 ranges a callback may never reach in production: every range the IANA special-purpose address
/// registries list as not globally reachable (loopback, private, shared, link-local, unspecified, benchmarking,
/// documentation, reserved, multicast, discard-only, unique- and site-local, ORCHIDs, SRv6), and the translation
/// prefixes (IPv4-mapped and -compatible, NAT64, 6to4, Teredo) whose embedded IPv4 address is checked in turn.
package enum SpecialPurposeAddresses {
    /// Why `address` (numeric, IPv4 or IPv6) is not a public address, or nil when it is one.
    package static func restriction(_ address: String) -> String? {
        switch ClientNetwork.bytes(of: address) {
        case let bytes? where bytes.count == 4: restriction(ipv4: bytes)
        case let bytes?: restriction(ipv6: bytes)
        case nil: "not an IP address"
        }
    }

    private struct Range {
        var prefix: [UInt8]
        var length: Int
        var name: String

        init(_ prefix: [UInt8], _ length: Int, _ name: String) {
            self.prefix = prefix
            self.length = length
            self.name = name
        }

        func contains(_ bytes: [UInt8]) -> Bool {
            var bits = length
            for (index, byte) in prefix.enumerated() where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if bytes[index] & mask != byte & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    private static let ipv4Ranges: [Range] = [
        Range([0], 8, "“this network” (0.0.0.0/8)"),
        Range([10], 8, "private (10.0.0.0/8)"),
        Range([100, 64], 10, "shared address space (100.64.0.0/10)"),
        Range([127], 8, "loopback (127.0.0.0/8)"),
        Range([169, 254], 16, "link-local (169.254.0.0/16)"),
        Range([172, 16], 12, "private (172.16.0.0/12)"),
        Range([192, 0, 0], 24, "IETF protocol assignments (192.0.0.0/24)"),
        Range([192, 0, 2], 24, "documentation (192.0.2.0/24)"),
        Range([192, 88, 99], 24, "6to4 relay anycast (192.88.99.0/24)"),
        Range([192, 168], 16, "private (192.168.0.0/16)"),
        Range([198, 18], 15, "benchmarking (198.18.0.0/15)"),
        Range([198, 51, 100], 24, "documentation (198.51.100.0/24)"),
        Range([203, 0, 113], 24, "documentation (203.0.113.0/24)"),
        Range([224], 4, "multicast (224.0.0.0/4)"),
        Range([240], 4, "reserved (240.0.0.0/4)"),
    ]

    private static let ipv6Ranges: [Range] = [
        Range([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128, "unspecified (::/128)"),
        Range([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, "loopback (::1/128)"),
        Range([0, 0x64, 0xFF, 0x9B, 0, 1], 48, "local-use NAT64 (64:ff9b:1::/48)"),
        Range([1, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only (100::/64)"),
        Range([0x20, 0x01, 0x0D, 0xB8], 32, "documentation (2001:db8::/32)"),
        Range([0x20, 0x01, 0x00], 23, "IETF protocol assignments (2001::/23)"),
        Range([0x3F, 0xFF, 0x00], 20, "documentation (3fff::/20)"),
        Range([0x5F, 0x00], 16, "segment routing (5f00::/16)"),
        Range([0xFC], 7, "unique-local (fc00::/7)"),
        Range([0xFE, 0x80], 10, "link-local (fe80::/10)"),
        Range([0xFE, 0xC0], 10, "site-local (fec0::/10)"),
        Range([0xFF], 8, "multicast (ff00::/8)"),
    ]

    private static func restriction(ipv4 bytes: [UInt8]) -> String? {
        if bytes == [255, 255, 255, 255] { return "limited broadcast (255.255.255.255)" }
        return ipv4Ranges.first { $0.contains(bytes) }?.name
    }

    private static func restriction(ipv6 bytes: [UInt8]) -> String? {
        if let range = ipv6Ranges.first(where: { $0.contains(bytes) }) { return range.name }
        // Prefixes that carry an IPv4 address: the address they lead to is what counts.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return restriction(ipv4: Array(bytes[12..<16])).map { "IPv4-mapped \($0)" }
        }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) { return "IPv4-compatible (::/96)" }
        if bytes[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {
            return restriction(ipv4: Array(bytes[12..<16])).map { "NAT64 of \($0)" }
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 {
            return restriction(ipv4: Array(bytes[2..<6])).map { "6to4 of \($0)" }
        }
        return nil
    }
}

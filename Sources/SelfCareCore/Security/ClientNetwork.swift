import Foundation

/// What the address limits (login failures, codes sent) count a client by: an IPv4 address whole, an IPv6 address by
/// its /64 network, since one subscriber line or host is handed a whole /64 and may use any address in it.
public enum ClientNetwork {
    /// `203.0.113.5` → `203.0.113.5`; `2001:db8:1:2::a` → `2001:db8:1:2::/64`; `::ffff:203.0.113.5` (IPv4-mapped) →
    /// `203.0.113.5`. Brackets and a zone (`%eth0`) are ignored; text that is no address is returned as it came.
    public static func throttleKey(for address: String) -> String {
        var bare = Substring(address)
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        if let ipv4 = ipv4Octets(bare) { return ipv4.map(String.init).joined(separator: ".") }
        if let zone = bare.firstIndex(of: "%") { bare = bare[..<zone] }
        guard let groups = ipv6Groups(bare) else { return address }
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
            return [groups[6] >> 8, groups[6] & 0xFF, groups[7] >> 8, groups[7] & 0xFF].map(String.init).joined(separator: ".")
        }
        return groups[0..<4].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    /// The 4 bytes of an IPv4 address or the 16 of an IPv6 one (brackets and a zone ignored); nil when `address` is no
    /// IP address.
    public static func bytes(of address: String) -> [UInt8]? {
        var bare = Substring(address)
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        if let ipv4 = ipv4Octets(bare) { return ipv4.map { UInt8($0) } }
        if let zone = bare.firstIndex(of: "%") { bare = bare[..<zone] }
        return ipv6Groups(bare)?.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// The four octets of a dotted-quad IPv4 address (decimal, no leading zeros), nil if it is not one.
    static func ipv4Octets(_ text: Substring) -> [UInt16]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt16] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), part.count == 1 || part.first != "0",
                  let value = UInt16(part), value <= 255 else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// The eight 16-bit groups of an IPv6 address (RFC 4291 §2.2: `::` once at most, a dotted IPv4 tail allowed).
    static func ipv6Groups(_ text: Substring) -> [UInt16]? {
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, last: Bool) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if last && index == pieces.count - 1 && piece.contains(".") {
                    guard let octets = ipv4Octets(piece) else { return nil }
                    result += [octets[0] << 8 | octets[1], octets[2] << 8 | octets[3]]
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                          let value = UInt16(piece, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        guard let head = groups(halves[0], last: halves.count == 1) else { return nil }
        guard halves.count == 2 else { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1], last: true), head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

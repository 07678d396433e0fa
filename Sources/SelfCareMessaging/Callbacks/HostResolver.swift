import NIOPosix
import SelfCareCore
#if canImport(Glibc)
import Glibc
#endif

/// Turns a host name into the addresses it has now. Callers resolve once and use what they checked.
package protocol HostResolving: Sendable {
    /// The numeric IPv4 and IPv6 addresses of `host` (an IP literal is its own answer); empty when it has none.
    func addresses(of host: String) async -> [String]
}

/// The system's resolver (`getaddrinfo`, so `/etc/hosts` and `/etc/resolv.conf`), run on NIO's blocking-I/O pool.
package struct SystemHostResolver: HostResolving {
    package init() {}

    package func addresses(of host: String) async -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if ClientNetwork.bytes(of: bare) != nil { return [bare] }
        return (try? await NIOThreadPool.singleton.runIfActive { Self.lookUp(bare) }) ?? []
    }

    private static func lookUp(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}

import Testing
@testable import SelfCareServices

/// Issue 21.3: a production callback reaches only globally reachable addresses, per the IANA special-purpose address
/// registries, including IPv4 addresses carried inside IPv6 translation prefixes.
@Suite("Special-purpose addresses")
struct SpecialPurposeAddressesTests {
    @Test("every range the registries list as not globally reachable is refused", arguments: [
        "0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.170",
        "192.0.0.9", "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
        "224.0.0.1", "240.0.0.1", "255.255.255.255",
        "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::a00:1", "64:ff9b:1::1", "100::1",
        "2001::1", "2001:2::1", "2001:db8::1", "2002:7f00:1::1", "2002:c0a8:101::1", "3fff::1", "5f00::1", "fc00::1", "fd12:3456::1",
        "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1",
    ])
    func refused(address: String) {
        #expect(SpecialPurposeAddresses.restriction(address) != nil, "\(address)")
    }

    @Test("public addresses, and translation prefixes carrying one, pass", arguments: [
        "8.8.8.8", "11.0.0.1", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1", "192.0.1.1", "192.169.0.1",
        "198.17.255.255", "198.20.0.1", "223.255.255.255",
        "2a00:1450:4001:82a::200e", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2001:200::1",
    ])
    func allowed(address: String) {
        #expect(SpecialPurposeAddresses.restriction(address) == nil, "\(address)")
    }

    @Test("text that is no IP address is refused")
    func notAnAddress() {
        #expect(SpecialPurposeAddresses.restriction("hooks.example.mu") != nil)
        #expect(SpecialPurposeAddresses.restriction("") != nil)
    }
}

import Testing
@testable import SelfCareCore

@Suite("Client network")
struct ClientNetworkTests {
    @Test("an IPv6 address keys by its /64, however it is written", arguments: [
        "2001:db8:1:2::1", "2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "[2001:db8:1:2:a:b:c:d]", "2001:DB8:1:2::A%eth0",
        "2001:db8:1:2::", "2001:db8:1:2:0:0:1.2.3.4",
    ])
    func ipv6ByPrefix(address: String) {
        // when
        let key = ClientNetwork.throttleKey(for: address)

        // then
        #expect(key == "2001:db8:1:2::/64")
    }

    @Test("zeros compressed anywhere are expanded before the /64 is taken", arguments: [
        ("::1", "0:0:0:0::/64"), ("fe80::1", "fe80:0:0:0::/64"), ("2001:db8::1:2:3:4", "2001:db8:0:0::/64"),
        ("1:2:3::4:5", "1:2:3:0::/64"), ("::", "0:0:0:0::/64"),
    ])
    func compressed(address: String, key: String) {
        // when / then
        #expect(ClientNetwork.throttleKey(for: address) == key)
    }

    @Test("an IPv4 address stays whole, written plainly or IPv4-mapped", arguments: [
        ("203.0.113.5", "203.0.113.5"), ("::ffff:203.0.113.5", "203.0.113.5"), ("::FFFF:cb00:7105", "203.0.113.5"),
        ("[::ffff:203.0.113.5]", "203.0.113.5"), ("0:0:0:0:0:ffff:203.0.113.5", "203.0.113.5"),
    ])
    func ipv4Whole(address: String, key: String) {
        // when / then
        #expect(ClientNetwork.throttleKey(for: address) == key)
    }

    @Test("neighbouring /64 networks and neighbouring IPv4 addresses key apart")
    func neighboursApart() {
        // when / then
        #expect(ClientNetwork.throttleKey(for: "2001:db8:1:2::1") != ClientNetwork.throttleKey(for: "2001:db8:1:3::1"))
        #expect(ClientNetwork.throttleKey(for: "203.0.113.5") != ClientNetwork.throttleKey(for: "203.0.113.6"))
    }

    @Test("text that is no address is kept as it came", arguments: [
        "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "256.1.1.1", "01.2.3.4", "g::1",
        "::+1", "unknown", "1.2.3.4::",
    ])
    func notAnAddress(text: String) {
        // when / then
        #expect(ClientNetwork.throttleKey(for: text) == text)
    }
}

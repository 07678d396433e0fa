import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Password guessing is limited per identifier (counted before the hash, so concurrent guesses cannot share a count),
/// per client address (behind a trusted proxy, the address it names) and for the whole portal.
@Suite("Login limits")
struct LoginLimitTests {
    static let aline = Subscribers.aline.rawValue

    @Test("30 concurrent wrong passwords for one Account ID: 5 are checked, 25 are told to wait", arguments: TestDatabase.engines)
    func concurrentGuesses(engine: DatabaseEngine) async throws {
        try await WebTest.withPortal(engine: engine) { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)

            // when
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for attempt in 0..<30 {
                    group.addTask { try await portal.login(Self.aline, "wrong password number \(attempt)").status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }

            // then
            #expect(statuses.filter { $0 == .unauthorized }.count == 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 25)
            #expect(try await portal.count("audit_events", where: "action = 'loginFailed'") == 5)
            #expect(try await portal.count("audit_events", where: "action = 'loginThrottled'") == 25)
        }
    }

    @Test("behind a trusted proxy, failures are counted per forwarded address: the 31st from one address waits, another does not",
          arguments: TestDatabase.engines)
    func perAddress(engine: DatabaseEngine) async throws {
        try await WebTest.withPortal(engine: engine, framework: .live, configure: { $0.trustedProxies = try! TrustedProxies("127.0.0.1, ::1") }) { portal in
            // given 30 failed logins from one address, each for another identifier
            func login(_ identifier: String, from address: String) async throws -> TestResponse {
                let body = try JSONSerialization.data(withJSONObject: ["identifier": identifier, "password": "not the password at all"])
                return try await portal.client.execute(
                    uri: "/api/v1/sessions", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "\(address), 127.0.0.1"],
                    body: ByteBuffer(bytes: body))
            }
            for index in 0..<30 {
                let identifier = AccountID(body: 500_000_000 + index).rawValue
                #expect(try await login(identifier, from: "203.0.113.5").status == .unauthorized)
            }

            // when
            let thirtyFirst = try await login(AccountID(body: 600_000_000).rawValue, from: "203.0.113.5")
            let neighbour = try await login(AccountID(body: 600_000_000).rawValue, from: "203.0.113.6")

            // then
            #expect(thirtyFirst.status == .tooManyRequests)
            #expect(thirtyFirst.headers[.retryAfter] != nil)
            #expect(neighbour.status == .unauthorized)
            let addresses = Set(try await portal.auditEvents().compactMap(\.clientAddress))
            #expect(addresses == ["203.0.113.5", "203.0.113.6"])
        }
    }

    @Test("failures from many addresses of one IPv6 /64 are counted together; the next /64 is not held back",
          arguments: TestDatabase.engines)
    func perIPv6Network(engine: DatabaseEngine) async throws {
        var policy = LoginThrottlePolicy()
        policy.failuresPerAddress = 3
        let limited = policy
        try await WebTest.withPortal(
            engine: engine, framework: .live, configure: { $0.trustedProxies = try! TrustedProxies("127.0.0.1, ::1") },
            dependencies: { $0.loginThrottling = limited }
        ) { portal in
            // given three failures, each from another address of 2001:db8:1:2::/64, each for another identifier
            for index in 0..<3 {
                let identifier = AccountID(body: 500_000_000 + index).rawValue
                #expect(try await Self.failedLogin(portal, identifier, from: "2001:db8:1:2:\(index + 1)::\(index + 7)").status == .unauthorized)
            }

            // when
            let sameNetwork = try await Self.failedLogin(portal, AccountID(body: 600_000_000).rawValue, from: "2001:db8:1:2:ffff::1")
            let nextNetwork = try await Self.failedLogin(portal, AccountID(body: 600_000_001).rawValue, from: "2001:db8:1:3::1")

            // then
            #expect(sameNetwork.status == .tooManyRequests)
            #expect(sameNetwork.errorCode == "too_many_attempts")
            #expect(nextNetwork.status == .unauthorized)
            let addresses = Set(try await portal.auditEvents().compactMap(\.clientAddress))
            #expect(addresses.contains("2001:db8:1:2:ffff::1"), "the audit trail keeps the whole address")
        }
    }

    @Test("an IPv4-mapped IPv6 address counts as the IPv4 address it maps")
    func ipv4Mapped() async throws {
        var policy = LoginThrottlePolicy()
        policy.failuresPerAddress = 3
        let limited = policy
        try await WebTest.withPortal(
            framework: .live, configure: { $0.trustedProxies = try! TrustedProxies("127.0.0.1, ::1") },
            dependencies: { $0.loginThrottling = limited }
        ) { portal in
            // given three failures from 203.0.113.5, written IPv4-mapped
            for index in 0..<3 {
                _ = try await Self.failedLogin(portal, AccountID(body: 500_000_000 + index).rawValue, from: "::ffff:203.0.113.5")
            }

            // when
            let plain = try await Self.failedLogin(portal, AccountID(body: 600_000_000).rawValue, from: "203.0.113.5")
            let neighbour = try await Self.failedLogin(portal, AccountID(body: 600_000_001).rawValue, from: "::ffff:203.0.113.6")

            // then
            #expect(plain.status == .tooManyRequests)
            #expect(neighbour.status == .unauthorized)
        }
    }

    /// A wrong password for `identifier` through the API, sent by a trusted proxy on loopback for `address`.
    static func failedLogin(_ portal: PortalTest, _ identifier: String, from address: String) async throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["identifier": identifier, "password": "not the password at all"])
        return try await portal.client.execute(
            uri: "/api/v1/sessions", method: .post,
            headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "\(address), 127.0.0.1"],
            body: ByteBuffer(bytes: body))
    }

    @Test("X-Forwarded-For is ignored unless the peer is a trusted proxy")
    func untrustedForwardedFor() async throws {
        try await WebTest.withPortal(framework: .live) { portal in
            // given no trusted proxy
            let body = try JSONSerialization.data(withJSONObject: ["identifier": Self.aline, "password": "not the password at all"])

            // when
            _ = try await portal.client.execute(
                uri: "/api/v1/sessions", method: .post,
                headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "198.51.100.7"], body: ByteBuffer(bytes: body))

            // then the peer is recorded, not the header's claim
            let addresses = Set(try await portal.auditEvents().compactMap(\.clientAddress))
            #expect(addresses.count == 1)
            #expect(!addresses.contains("198.51.100.7"))
        }
    }

    @Test("past the portal's limit of failures a minute, every login waits; a success does not count")
    func portalLimit() async throws {
        var policy = LoginThrottlePolicy()
        policy.failuresPerPortal = 4
        let limited = policy
        try await WebTest.withPortal(dependencies: { $0.loginThrottling = limited }) { portal in
            // given a success, then four failures on four identifiers
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            #expect(try await portal.login(Self.aline).status == .created)
            for index in 0..<4 { _ = try await portal.login(AccountID(body: 500_000_000 + index).rawValue, "not the password") }

            // when
            let blocked = try await portal.login(Self.aline)
            portal.clock.advance(by: 61)
            let later = try await portal.login(Self.aline)

            // then
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.errorCode == "too_many_attempts")
            #expect(later.status == .created)
        }
    }

    @Test("TRUSTED_PROXIES takes addresses and CIDR ranges and names a bad entry")
    func trustedProxiesSetting() throws {
        // when
        let proxies = try TrustedProxies("10.0.0.0/8, 192.0.2.1, 2001:db8::/32")
        let message = try ConfigurationTests.problems(["TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"])

        // then
        #expect(proxies.contains("10.1.2.3") && proxies.contains("192.0.2.1") && proxies.contains("2001:db8::1"))
        #expect(!proxies.contains("11.0.0.1") && !proxies.contains("192.0.2.2"))
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: ["198.51.100.1, 10.0.0.9"]) == "198.51.100.1")
        #expect(proxies.client(peer: "198.51.100.2", forwardedFor: ["203.0.113.1"]) == "198.51.100.2")
        #expect(message.contains("TRUSTED_PROXIES") && message.contains("proxy.internal"))
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Development mode hands out codes at `/dev/messages`: it listens on loopback only unless chosen on purpose, and
/// lists only what the dev sink itself delivered.
@Suite("Development mode")
struct DevelopmentModeTests {
    @Test("serving development mode on a public address without choosing it is refused in one line naming HOST",
          arguments: ["0.0.0.0", "::", "192.0.2.10", "selfcare.example.mu"])
    func publicHostRefused(host: String) throws {
        // given no SELFCARE_MODE, as `selfcare serve --host 0.0.0.0` has
        let settings = ["HOST": host]

        // when
        let message = try ConfigurationTests.problems(settings)

        // then
        #expect(message.contains("HOST \(host) is not a loopback address"))
        #expect(message.contains("SELFCARE_MODE"))
        #expect(!message.contains("\n"))
    }

    @Test("loopback addresses, or development chosen explicitly, start", arguments: [
        ["HOST": "127.0.0.1"], ["HOST": "::1"], ["HOST": "localhost"], ["HOST": "127.0.0.2"],
        ["HOST": "0.0.0.0", "SELFCARE_MODE": "development"],
    ])
    func loopbackOrExplicit(settings: [String: String]) throws {
        // when
        let configuration = try AppConfiguration.load(settings)

        // then
        #expect(configuration.mode == .development)
        #expect(configuration.host == settings["HOST"])
    }

    @Test("/dev/messages lists what the dev sink delivered, never what went through a real SMSC or relay")
    func onlyTheSinksOwn() async throws {
        try await WebTest.withPortal { portal in
            // given a code SMS handed to a real SMSC (any other sender), then one delivered by the dev sink
            _ = try await portal.startRegistration(Subscribers.aline.rawValue)
            _ = try await OutboxTests.worker(portal, RecordingSender()).runOnce()
            portal.clock.advance(by: 61)
            _ = try await portal.startRegistration(Subscribers.kevin.rawValue)
            _ = try await OutboxTests.worker(portal, DevMessageSink(logger: WebTest.logger)).runOnce()

            // when
            let response = try await portal.client.execute(uri: "/dev/messages", method: .get)

            // then only the dev sink's message is there
            #expect(response.status == .ok)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]])
            #expect(list.map { $0["to"] as? String } == [Subscribers.kevinLine.e164])
            #expect(try await portal.count("outbox_messages", where: "status = 'sent'") == 2)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import SelfCareTestSupport
import Synchronization
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// A sender that records what it is handed, and can be told to fail.
final class RecordingSender: MessageSender {
    private let state = Mutex<(sent: [OutgoingMessage], failure: DeliveryError?)>(([], nil))

    var sent: [OutgoingMessage] { state.withLock { $0.sent } }

    func fail(with error: DeliveryError?) {
        state.withLock { $0.failure = error }
    }

    func send(_ message: OutgoingMessage) async throws -> String? {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            state.sent.append(message)
            return "test-\(state.sent.count)"
        }
    }
}

/// The outbox: every SMS and e-mail is queued with the event that causes it, then handed to a `MessageSender` by the
/// worker; in development the sender is the dev sink behind `GET /dev/messages`.
@Suite("Message outbox")
struct OutboxTests {
    static func worker(_ portal: PortalTest, _ sender: any MessageSender) -> OutboxWorker {
        OutboxWorker(database: portal.database, sender: sender, clock: portal.clock, logger: WebTest.logger)
    }

    @Test("the activation SMS is queued by the request that starts the registration, before any worker runs")
    func queuedWithTheEvent() async throws {
        try await WebTest.withPortal { portal in
            // given no worker runs

            // when
            _ = try await portal.startRegistration(Subscribers.aline.rawValue)

            // then
            let messages = try await portal.messages()
            #expect(messages.count == 1)
            #expect(messages.first?.status == "queued")
            #expect(try await portal.count("registrations") == 1)
            #expect(try await portal.count("one_time_codes") == 1)
        }
    }

    @Test("the worker hands each queued message to the sender once, codes first, and marks it sent", arguments: TestDatabase.engines)
    func workerDelivers(engine: DatabaseEngine) async throws {
        try await WebTest.withPortal(engine: engine) { portal in
            // given a completed registration (code, confirmation SMS and e-mail) and then a reset code
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            _ = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Subscribers.aline.rawValue])
            let sender = RecordingSender()

            // when
            let handled = try await Self.worker(portal, sender).runOnce()
            let again = try await Self.worker(portal, sender).runOnce()

            // then
            #expect(handled == 4)
            #expect(again == 0)
            #expect(sender.sent.map(\.channel) == [.sms, .sms, .sms, .email])
            #expect(sender.sent.prefix(2).allSatisfy { $0.body.firstMatch(of: /\b\d{6}\b/) != nil })
            #expect(try await portal.messages().allSatisfy { $0.status == "sent" })
        }
    }

    @Test("a temporary failure keeps the message for a later try; a permanent one gives up", arguments: TestDatabase.engines)
    func failures(engine: DatabaseEngine) async throws {
        try await WebTest.withPortal(engine: engine) { portal in
            // given
            _ = try await portal.startRegistration(Subscribers.aline.rawValue)
            _ = try await portal.startRegistration(Subscribers.companyClientID.rawValue)
            let sender = RecordingSender()

            // when
            sender.fail(with: .temporary("link down"))
            try await Self.worker(portal, sender).runOnce()
            let afterTemporary = try await portal.messages().map(\.status)
            sender.fail(with: nil)
            let tooEarly = try await Self.worker(portal, sender).runOnce()
            portal.clock.advance(by: 3)
            let retried = try await Self.worker(portal, sender).runOnce()

            // then
            #expect(afterTemporary == ["queued", "queued"])
            #expect(tooEarly == 0)
            #expect(retried == 2)
            #expect(sender.sent.count == 2)
        }
    }

    @Test("the text of a code SMS is removed an hour after it was sent; other messages keep theirs")
    func spentCodesRemoved() async throws {
        try await WebTest.withPortal { portal in
            // given a registration (code, confirmation SMS and e-mail) sent, and a reset code still queued
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let worker = Self.worker(portal, RecordingSender())
            try await worker.runOnce()
            _ = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Subscribers.aline.rawValue])

            // when
            let early = try await worker.removeSpentCodes()
            portal.clock.advance(by: 3601)
            let removed = try await worker.removeSpentCodes()
            let again = try await worker.removeSpentCodes()

            // then
            #expect(early == 0)
            #expect(removed == 1)
            #expect(again == 0)
            let bodies = try await portal.messages().map(\.body)
            #expect(bodies[0] == OutboxRepository.removedCodeText)
            #expect(bodies[1].contains("confirmé"))
            #expect(bodies[3].firstMatch(of: /\b\d{6}\b/) != nil)
        }
    }

    @Test("in development the dev sink delivers, and GET /dev/messages lists what it received, newest first")
    func devMessages() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)

            // when the portal's own worker runs once
            try await portal.services.outboxWorker.runOnce()
            let response = try await portal.client.execute(uri: "/dev/messages", method: .get)

            // then
            #expect(response.status == .ok)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]])
            #expect(list.count == 3)
            #expect(list.map { $0["channel"] as? String } == ["email", "sms", "sms"])
            #expect(list[0]["to"] as? String == "aline@example.mu")
            #expect(list[0]["subject"] as? String != nil)
            #expect(list[2]["to"] as? String == Subscribers.alineLine.e164)
            #expect((list[2]["body"] as? String)?.firstMatch(of: /\b\d{6}\b/) != nil)
            #expect(list.allSatisfy { ($0["createdAt"] as? String).flatMap(ISO8601DateFormatter().date(from:)) == Subscribers.start })
        }
    }

    @Test("a browser gets /dev/messages as a page in its language, the code readable; a client asking for JSON gets JSON")
    func devMessagesPage() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            try await portal.services.outboxWorker.runOnce()
            let code = try await portal.latestCode(to: Subscribers.alineLine)

            // when
            let page = try await portal.client.execute(
                uri: "/dev/messages", method: .get,
                headers: [.accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", .acceptLanguage: "fr"])
            let json = try await portal.client.execute(uri: "/dev/messages", method: .get, headers: [.accept: "application/json"])

            // then
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("Messages envoyés (développement)"))
            #expect(page.text.contains(code))
            #expect(page.text.contains(Subscribers.alineLine.e164))
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) is [[String: Any]])
        }
    }

    @Test("GET /dev/messages does not exist in production")
    func devMessagesOnlyInDevelopment() async throws {
        try await WebTest.withPortal(publicURL: "https://selfcare.example.mu", mode: .production) { portal in
            // given

            // when
            let response = try await portal.client.execute(uri: "/dev/messages", method: .get)

            // then
            #expect(response.status == .notFound)
        }
    }

    @Test("messages speak the user's language", arguments: [("fr", "votre code d'activation est"), ("en", "your activation code is")])
    func language(_ language: String, _ text: String) async throws {
        try await WebTest.withPortal { portal in
            // given

            // when
            _ = try await portal.api(.post, "/api/v1/registrations", [
                "identifier": Subscribers.aline.rawValue, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": true,
            ], headers: [.acceptLanguage: language])

            // then
            let sms = try #require(try await portal.messages().first)
            #expect(sms.language == language)
            #expect(sms.body.contains(text))
        }
    }
}

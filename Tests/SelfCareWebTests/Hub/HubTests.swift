import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SelfCareCore
import SelfCarePayments
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 14.6: event subscriptions after the TMF hub pattern — events queued with what causes them, signed per
/// Standard Webhooks, delivered exactly once with back-off, visible to their owner, never sent inside the network in
/// production.
@Suite("Event subscriptions")
struct HubTests {
    /// An HTTP receiver on a free port that records every call and answers 500 to the first `failing` ones.
    actor Receiver {
        struct Call: Sendable {
            var id: String
            var timestamp: String
            var signature: String
            var body: Data
            var answered: Int
        }

        private(set) var calls: [Call] = []
        private var failuresLeft: Int

        init(failing: Int) {
            failuresLeft = failing
        }

        func record(_ request: Request, body: Data) -> Int {
            let answer = failuresLeft > 0 ? 500 : 200
            failuresLeft -= 1
            calls.append(Call(id: request.headers[HTTPField.Name("webhook-id")!] ?? "",
                              timestamp: request.headers[HTTPField.Name("webhook-timestamp")!] ?? "",
                              signature: request.headers[HTTPField.Name("webhook-signature")!] ?? "", body: body, answered: answer))
            return answer
        }

        /// Runs the receiver while `body` runs, passing its address.
        func serve(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            router.post("events") { request, _ -> Response in
                let bytes = try await request.body.collect(upTo: 1 << 20)
                return Response(status: .init(code: await self.record(request, body: Data(buffer: bytes))))
            }
            let (ports, listener) = AsyncStream.makeStream(of: Int.self)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in listener.yield(channel.localAddress?.port ?? 0) }, logger: WebTest.logger)
            let running = Task { try await app.runService() }
            defer { running.cancel() }
            guard let port = await ports.first(where: { _ in true }) else { throw PortalTestError("the receiver did not start") }
            try await body("http://127.0.0.1:\(port)/events")
        }
    }

    /// Sends what is due until nothing is left, moving the clock past each back-off; returns how many rounds it took.
    static func deliverAll(_ portal: PortalTest, rounds: Int = 10) async throws {
        let worker = portal.services.services.hubDeliveries
        for _ in 0..<rounds {
            try await worker.deliverDue()
            portal.clock.advance(by: 3600)
        }
    }

    static func subscribe(_ portal: PortalTest, _ session: String, callback: String, query: String?) async throws -> TestResponse {
        var body: [String: any Sendable] = ["callback": callback]
        if let query { body["query"] = query }
        return try await portal.api(.post, "/api/v1/hub", body, token: session)
    }

    @Test("each bill of a bill run reaches the subscription once, signed, even through a receiver that answers 500 three times")
    func billEventsDeliveredOnce() async throws {
        try await Billing.withPortal { portal in
            let receiver = Receiver(failing: 3)
            try await receiver.serve { callback in
                // given
                let session = try await portal.token(Subscribers.companyClientID.grouped)
                let created = try await Self.subscribe(portal, session, callback: callback, query: "eventType=CustomerBillCreateEvent")
                let secret = try #require(created.json["secret"] as? String)
                let id = try #require(created.json["id"] as? String)
                portal.clock.advance(by: 12 * 86_400)

                // when
                try await Billing.runBills(portal, period: Billing.november)
                try await Billing.runBills(portal, period: Billing.november)
                try await Self.deliverAll(portal)
                let deliveries = try await portal.api(
                    .get, "/api/v1/hub/\(id)/deliveries", token: try await portal.token(Subscribers.companyClientID.grouped))

                // then
                #expect(created.status == .created)
                #expect(secret.hasPrefix("whsec_"))
                let calls = await receiver.calls
                let accepted = calls.filter { $0.answered == 200 }
                #expect(calls.filter { $0.answered == 500 }.count == 3)
                #expect(accepted.count == Billing.companyAccountCount)
                #expect(Set(accepted.map(\.id)).count == accepted.count)
                for call in calls {
                    #expect(WebhookSignature.verify(id: call.id, timestamp: call.timestamp, signatures: call.signature, body: call.body,
                                                    secret: secret, now: portal.clock.now(), tolerance: 86_400))
                    let event = try #require(try JSONSerialization.jsonObject(with: call.body) as? [String: Any])
                    #expect(event["eventType"] as? String == "CustomerBillCreateEvent")
                    let bill = try #require((event["event"] as? [String: Any])?["customerBill"] as? [String: Any])
                    #expect((bill["billNo"] as? String)?.hasPrefix("B202611-") == true)
                }
                let listed = BillingAPITests.list(deliveries)
                #expect(listed.count == Billing.companyAccountCount)
                #expect(listed.allSatisfy { $0["status"] as? String == "delivered" && $0["lastStatusCode"] as? Int == 200 })
                #expect(listed.filter { ($0["attempts"] as? Int ?? 0) > 1 }.count == 3)
            }
        }
    }

    @Test("a line's login hears of its own bill only; another login's subscription is neither listed nor ended by it")
    func subscriptionsBelongToTheirLogin() async throws {
        try await Billing.withPortal { portal in
            let receiver = Receiver(failing: 0)
            try await receiver.serve { callback in
                // given
                let alines = try await Self.subscribe(portal, try await portal.token(Subscribers.aline.rawValue), callback: callback, query: nil)
                let id = try #require(alines.json["id"] as? String)
                portal.clock.advance(by: 12 * 86_400)

                // when
                try await Billing.runBills(portal, period: Billing.november)
                try await Self.deliverAll(portal, rounds: 1)
                let aline = try await portal.token(Subscribers.aline.rawValue)
                let company = try await portal.token(Subscribers.companyClientID.grouped)
                let listedByCompany = try await portal.api(.get, "/api/v1/hub", token: company)
                let deletedByCompany = try await portal.api(.delete, "/api/v1/hub/\(id)", token: company)
                let deliveriesForCompany = try await portal.api(.get, "/api/v1/hub/\(id)/deliveries", token: company)
                let listedByAline = try await portal.api(.get, "/api/v1/hub", token: aline)
                let deleted = try await portal.api(.delete, "/api/v1/hub/\(id)", token: aline)
                let afterDelete = try await portal.api(.get, "/api/v1/hub", token: aline)

                // then
                let calls = await receiver.calls
                #expect(calls.count == 1)
                let event = try JSONSerialization.jsonObject(with: try #require(calls.first).body) as? [String: Any]
                let bill = (event?["event"] as? [String: Any])?["customerBill"] as? [String: Any]
                #expect((bill?["billingAccount"] as? [String: Any])?["id"] as? String == Subscribers.aline.rawValue)
                #expect(BillingAPITests.list(listedByCompany).isEmpty)
                #expect(deletedByCompany.status == .notFound)
                #expect(deliveriesForCompany.status == .notFound)
                #expect(BillingAPITests.list(listedByAline).map { $0["id"] as? String } == [id])
                #expect(BillingAPITests.list(listedByAline).first?["secret"] == nil)
                #expect(deleted.status == .noContent)
                #expect(BillingAPITests.list(afterDelete).isEmpty)
            }
        }
    }

    @Test("in production a callback must be HTTPS to a public address", arguments: [
        "http://hooks.example.com/events", "https://127.0.0.1/events", "https://localhost/events", "https://10.1.2.3/events",
        "https://192.168.0.10/events", "https://169.254.169.254/latest", "https://[::1]/events", "https://user:pw@hooks.example.com/x",
        "ftp://hooks.example.com/events",
    ])
    func callbacksInsideTheNetworkRefused(callback: String) async throws {
        try await WebTest.withPortal(publicURL: "https://selfcare.example.mu", mode: .production) { portal in
            // given
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let session = try await portal.token(Subscribers.aline.rawValue)

            // when
            let response = try await Self.subscribe(portal, session, callback: callback, query: nil)

            // then
            #expect(response.status == .unprocessableContent)
            #expect((response.json["error"] as? [String: Any])?["code"] as? String == "invalid_callback")
        }
    }

    @Test("a callback longer than 2,000 characters is refused, naming the callback")
    func longCallback() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let session = try await portal.token(Subscribers.aline.rawValue)
            let callback = "https://hooks.example.mu/" + String(repeating: "a", count: 1_976)

            // when
            let response = try await Self.subscribe(portal, session, callback: callback, query: nil)

            // then
            #expect(callback.unicodeScalars.count == 2_001)
            #expect(response.status == .unprocessableContent)
            #expect((response.json["error"] as? [String: Any])?["code"] as? String == "invalid_callback")
        }
    }

    @Test("an unknown event type is named as the query at fault")
    func unknownEventType() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let session = try await portal.token(Subscribers.aline.rawValue)

            // when
            let response = try await Self.subscribe(portal, session, callback: "http://127.0.0.1:9/x", query: "eventType=BillPaidEvent")

            // then
            #expect(response.status == .unprocessableContent)
            #expect((response.json["error"] as? [String: Any])?["code"] as? String == "invalid_query")
        }
    }
}

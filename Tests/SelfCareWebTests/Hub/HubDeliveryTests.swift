import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 21.3 and 21.4: deliveries go to the very address that was checked, say what went wrong only in categories,
/// keep one stalled receiver from holding up anyone else's events, are sent once by several instances, and pause a
/// subscription that has failed for a day.
@Suite("Event deliveries")
struct HubDeliveryTests {
    static let aline = Subscribers.aline.rawValue

    /// Aline's subscription to her bill events at `callback`, then the November bill run.
    static func billEvent(_ portal: PortalTest, callback: String) async throws -> String {
        let session = try await portal.token(Self.aline)
        let created = try await HubTests.subscribe(portal, session, callback: callback, query: "eventType=CustomerBillCreateEvent")
        portal.clock.advance(by: 12 * 86_400)
        try await Billing.runBills(portal, period: Billing.november)
        return try #require(created.json["id"] as? String)
    }

    static func deliveries(_ portal: PortalTest, of id: String) async throws -> [[String: Any]] {
        BillingAPITests.list(try await portal.api(.get, "/api/v1/hub/\(id)/deliveries", token: try await portal.token(Self.aline)))
    }

    @Test("a call goes to the address the name had when checked, though the name answers another address afterwards")
    func connectsToTheCheckedAddress() async throws {
        let resolver = ScriptedResolver([["127.0.0.2"], ["127.0.0.3"]])
        let checked = AnsweringReceiver()
        let rebound = AnsweringReceiver()
        try await checked.serve(host: "127.0.0.2") { port in
            try await rebound.serve(host: "127.0.0.3", port: port) { _ in
                try await Billing.withPortal(dependencies: { $0.hostResolver = resolver }) { portal in
                    // given
                    let id = try await Self.billEvent(portal, callback: "http://hooks.rebind.test:\(port)/events")

                    // when
                    try await portal.services.services.hubDeliveries.deliverDue()

                    // then
                    #expect(await checked.calls == ["/events"])
                    #expect(await rebound.calls.isEmpty)
                    #expect(await resolver.lookUps == 1)
                    #expect(try await Self.deliveries(portal, of: id).first?["status"] as? String == "delivered")
                }
            }
        }
    }

    @Test("in production a name that passed at subscription but points inside the network at delivery is never called")
    func reboundNameRefusedAtDelivery() async throws {
        let resolver = ScriptedResolver([["8.8.8.8"], ["127.0.0.1"]])
        try await WebTest.withPortal(publicURL: "https://selfcare.example.mu", mode: .production, dependencies: { $0.hostResolver = resolver }) { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let session = try await portal.token(Self.aline)
            let created = try await HubTests.subscribe(portal, session, callback: "https://hooks.rebind.test/events", query: nil)
            let id = try #require(created.json["id"] as? String)
            try await portal.database.transaction { db in
                try await HubRepository().enqueue(
                    [NewHubDelivery(subscriptionID: id, eventID: "e1", eventType: "PaymentStateChangeEvent", body: "{}")], now: portal.clock.now(), on: db)
            }

            // when
            try await portal.services.services.hubDeliveries.deliverDue()
            let deliveries = try await Self.deliveries(portal, of: id)

            // then
            #expect(created.status == .created)
            #expect(await resolver.lookUps == 2)
            #expect(deliveries.first?["lastError"] as? String == "address")
            #expect(deliveries.first?["status"] as? String == "pending")
        }
    }

    @Test("production refuses benchmarking, IETF, documentation addresses and ports other than 443", arguments: [
        "https://198.18.0.1/events", "https://192.0.0.170/events", "https://192.0.2.1/events", "https://8.8.8.8:22/events",
        "https://8.8.8.8:6379/events",
    ])
    func specialAddressesAndPorts(callback: String) async throws {
        try await WebTest.withPortal(publicURL: "https://selfcare.example.mu", mode: .production) { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let session = try await portal.token(Self.aline)

            // when
            let response = try await HubTests.subscribe(portal, session, callback: callback, query: nil)

            // then
            #expect(response.status == .unprocessableContent)
            #expect((response.json["error"] as? [String: Any])?["code"] as? String == "invalid_callback")
        }
    }

    @Test("a port listed in HUB_CALLBACK_PORTS is allowed in production")
    func listedPort() async throws {
        let resolver = ScriptedResolver([["8.8.8.8"]])
        try await WebTest.withPortal(publicURL: "https://selfcare.example.mu", mode: .production,
                                     configure: { $0.callbackPorts = [8443] }, dependencies: { $0.hostResolver = resolver }) { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let session = try await portal.token(Self.aline)

            // when
            let allowed = try await HubTests.subscribe(portal, session, callback: "https://hooks.example.mu:8443/events", query: nil)
            let refused = try await HubTests.subscribe(portal, session, callback: "https://hooks.example.mu:8444/events", query: nil)

            // then
            #expect(allowed.status == .created)
            #expect(refused.status == .unprocessableContent)
        }
    }

    @Test("a failed call is told to the subscriber as a category, never the client library's text")
    func failureCategories() async throws {
        let port = try await HubPeers.closedPort()
        try await Billing.withPortal { portal in
            // given
            let id = try await Self.billEvent(portal, callback: "http://127.0.0.1:\(port)/events")

            // when
            try await portal.services.services.hubDeliveries.deliverDue()
            let delivery = try #require(try await Self.deliveries(portal, of: id).first)

            // then
            #expect(delivery["lastError"] as? String == "refused")
            #expect(delivery["status"] as? String == "pending")
        }
    }

    @Test("ten receivers that never answer hold up no other subscriber's events", .timeLimit(.minutes(5)), arguments: TestDatabase.engines)
    func stalledReceiversIsolated(engine: DatabaseEngine) async throws {
        let stalled = HoldingReceiver()
        let company = AnsweringReceiver()
        try await stalled.serve { stalledPort in
            try await company.serve { companyPort in
                try await Billing.withPortal(engine: engine) { portal in
                    // given
                    let aline = try await portal.token(Self.aline)
                    for index in 0..<10 {
                        _ = try await HubTests.subscribe(portal, aline, callback: "http://127.0.0.1:\(stalledPort)/s\(index)", query: nil)
                    }
                    let session = try await portal.token(Subscribers.companyClientID.grouped)
                    _ = try await HubTests.subscribe(portal, session, callback: "http://127.0.0.1:\(companyPort)/erp", query: nil)
                    portal.clock.advance(by: 12 * 86_400)
                    try await Billing.runBills(portal, period: Billing.november)

                    // when (no call times out however long the machine takes)
                    var worker = portal.services.services.hubDeliveries
                    worker.attemptTimeout = .seconds(3600)
                    let run = Task { [worker] in try await worker.deliverDue() }
                    for await count in stalled.arrived where count == 10 { break }
                    for await count in company.arrived where count == Billing.companyAccountCount { break }
                    let heldMeanwhile = await stalled.holding
                    await stalled.release()
                    let delivered = try await run.value

                    // then
                    #expect(heldMeanwhile == 10)
                    #expect(delivered == Billing.companyAccountCount + 10)
                }
            }
        }
    }

    @Test("while one instance's call is in flight, another instance sends nothing of that subscription", .timeLimit(.minutes(5)),
          arguments: TestDatabase.engines)
    func oneSenderPerSubscription(engine: DatabaseEngine) async throws {
        let receiver = HoldingReceiver()
        try await receiver.serve { port in
            try await Billing.withPortal(engine: engine) { portal in
                // given two instances' workers on one database, and two events for one subscription
                let id = try await Self.billEvent(portal, callback: "http://127.0.0.1:\(port)/events")
                try await portal.database.transaction { db in
                    try await HubRepository().enqueue(
                        [NewHubDelivery(subscriptionID: id, eventID: "e2", eventType: "CustomerBillCreateEvent", body: "{}")],
                        now: portal.clock.now(), on: db)
                }
                var first = portal.services.services.hubDeliveries
                first.attemptTimeout = .seconds(3600)
                let second = HubDeliveryWorker(
                    database: portal.database, clock: portal.clock, poster: PinnedCallbackClient(), policy: CallbackPolicy(production: false),
                    logger: WebTest.logger, operatorName: "Test", portalURL: "http://127.0.0.1")

                // when
                let run = Task { [first] in try await first.deliverDue() }
                for await count in receiver.arrived where count == 1 { break }
                portal.clock.advance(by: 59)
                let sentBySecond = try await second.deliverDue()
                let callsMeanwhile = await receiver.calls.count
                await receiver.release()
                let sentByFirst = try await run.value
                portal.clock.advance(by: 3600)
                let sentLater = try await second.deliverDue()

                // then
                #expect(sentBySecond == 0)
                #expect(callsMeanwhile == 1)
                #expect(sentByFirst == 2)
                #expect(sentLater == 0)
                #expect(await receiver.calls.count == 2)
            }
        }
    }

    @Test("a subscription failing for 24 hours is paused, its owner told by e-mail in her language, and resumed from the page")
    func pausedAfterADay() async throws {
        let receiver = AnsweringReceiver(status: .serviceUnavailable)
        try await receiver.serve { port in
            try await Billing.withPortal { portal in
                // given
                let callback = "http://127.0.0.1:\(port)/events"
                let id = try await Self.billEvent(portal, callback: callback)
                let worker = portal.services.services.hubDeliveries
                try await worker.deliverDue()
                portal.clock.advance(by: 25 * 3600)

                // when
                try await worker.deliverDue()
                portal.clock.advance(by: 3600)
                try await worker.deliverDue()
                let callsWhilePaused = await receiver.calls.count
                let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
                let page = try await browser.get("/api-access")
                let resumed = try await browser.post("/api-access/subscriptions/\(id)/resume")
                let after = try await browser.follow(resumed)
                try await worker.deliverDue()

                // then
                #expect(callsWhilePaused == 2)
                let mail = try #require(try await portal.messages().last { $0.purpose == "subscriptionPaused" })
                let language = try await portal.dump("portal_users", columns: ["email", "language"]).first { $0.hasPrefix("aline@") }
                #expect(mail.channel == "email")
                #expect(language == "aline@example.mu|\(mail.language)")
                #expect(mail.body.contains(callback))
                #expect(mail.body.contains(mail.language == "fr" ? "réponse HTTP 503" : "answered HTTP 503"))
                #expect(page.text.contains("paused since"))
                #expect(page.text.contains("/api-access/subscriptions/\(id)/resume"))
                #expect(page.text.contains("answered HTTP 503"))
                #expect(resumed.status == .seeOther)
                #expect(after.text.contains("is resumed"))
                #expect(await receiver.calls.count == 3)
            }
        }
    }
}

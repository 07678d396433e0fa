import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// Issue 14.6: events are queued in the transaction of what causes them, once per subscription and event.
@Suite("Hub events")
struct HubEventTests {
    @Test("a line's alert levels are queued once each as UsageThresholdEvent to its login's subscription, never again on re-import",
          arguments: TestDatabase.engines)
    func thresholdEvents(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a login on A1 subscribed to threshold events, and another subscribed to bills only
            let rowID = try await UsageAlertTests.given(test, settings: try UsageAlertSettings(thresholds: [50, 100], channels: ["sms"], spendLimit: nil))
            try await test.database.transaction { db in
                let userID = try await UserRepository().insert(
                    scope: .account(rowID: rowID), fullName: "A One", email: "a1@example.mu", language: .english, passwordHash: "x",
                    now: StoreFixture.importedAt, on: db)
                try await HubRepository().insert(id: "sub_t", userID: userID, tokenID: nil, callback: "https://hooks.example.mu/t",
                                                 eventTypes: ["UsageThresholdEvent"], secret: "s", now: StoreFixture.importedAt, on: db)
                try await HubRepository().insert(id: "sub_b", userID: userID, tokenID: nil, callback: "https://hooks.example.mu/b",
                                                 eventTypes: ["CustomerBillCreateEvent"], secret: "s", now: StoreFixture.importedAt, on: db)
            }
            let rows = [UsageAlertTests.data("D1", megabytes: 11, day: 2)]

            // when
            _ = try await test.importUsage(rows, alerts: true)
            _ = try await test.importUsage(rows, alerts: true)

            // then
            let queued = try await test.database.read { db in
                try await db.raw("SELECT subscription_id, event_id, body FROM hub_deliveries ORDER BY id").all()
                    .map { (try $0.decode(column: "subscription_id", as: String.self), try $0.decode(column: "event_id", as: String.self),
                            try $0.decode(column: "body", as: String.self)) }
            }
            #expect(queued.map(\.0) == ["sub_t", "sub_t"])
            #expect(queued.map(\.1) == ["threshold-\(OctoberWorld.a1.rawValue)-2026-10-data-50", "threshold-\(OctoberWorld.a1.rawValue)-2026-10-data-100"])
            #expect(queued.allSatisfy { $0.2.contains(#""eventType":"UsageThresholdEvent""#) })
        }
    }

    @Test("back-off doubles from 30 seconds and stops at an hour")
    func backoff() {
        // given / when
        let waits = (1...10).map { HubDeliveryWorker.backoff(attempt: Int64($0)) }

        // then
        #expect(waits.prefix(4) == [30, 60, 120, 240])
        #expect(waits.last == 3600)
    }

    @Test("event types are read from the TMF query forms, and an unknown one is refused")
    func queries() {
        #expect(HubEventType.parse(query: nil) == HubEventType.allCases)
        #expect(HubEventType.parse(query: "eventType=PaymentStateChangeEvent,CustomerBillCreateEvent")
            == [.customerBillCreate, .paymentStateChange])
        #expect(HubEventType.parse(query: "eventType in (UsageThresholdEvent)") == [.usageThreshold])
        #expect(HubEventType.parse(query: "eventType=BillPaidEvent") == nil)
        #expect(HubEventType.parse(query: "state=new") == nil)
    }

    @Test("a callback is a well-formed absolute http(s) URL: no control characters, broken escapes, fragments or odd hosts")
    func wellFormedCallbacks() async {
        // given
        let policy = CallbackPolicy(production: false)

        // when / then
        #expect(await policy.refusal("http://127.0.0.1:8080/events") == nil)
        #expect(await policy.refusal("https://hooks.example.mu/selfcare?x=1") == nil)
        #expect(await policy.refusal("http://127.0.0.1:65535") == nil)
        for bad in ["hTtP://%7c:739#L%d\u{12}", "http://hooks.example.mu/a b", "http://hooks.example.mu/%zz", "http://hooks.example.mu/#x",
                    "http://%7c/", "http://hooks_example.mu/", "htTpS://[3aa]:65513", "http://[::1]:9000/events", "http://a:65536/", "mailto:x@example.mu", "/relative"] {
            #expect(await policy.refusal(bad) != nil, "\(bad)")
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The notification log: what the operator sent a subscriber, with time and delivery status, and nobody else's.
@Suite("Notification log")
struct NotificationLogTests {
    static let aline = Subscribers.aline.rawValue
    static let kevin = Subscribers.kevin.rawValue

    static func deliverAll(_ portal: PortalTest) async throws {
        try await OutboxWorker(database: portal.database, sender: RecordingSender(), clock: portal.clock, logger: WebTest.logger).runOnce()
    }

    @Test("a subscriber sees every SMS and e-mail sent to them with its status, codes not shown again")
    func ownMessages() async throws {
        try await WebTest.withPortal { portal in
            // given Aline registered (code, confirmation SMS and e-mail sent) and a reset code still queued
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            try await Self.deliverAll(portal)
            _ = try await portal.api(.post, "/api/v1/password-resets", ["identifier": Self.aline])
            let browser = portal.browser(acceptLanguage: "fr")
            try await browser.get("/login")
            _ = try await browser.post("/login", ["identifier": Self.aline, "password": Subscribers.password])

            // when
            let page = try await browser.get("/notifications")

            // then
            #expect(page.status == .ok)
            let rows = Page.rows(page.text)
            #expect(rows.count == 4)
            #expect(rows.first?.last?.hasPrefix("En attente") == true)
            #expect(rows.first?[3] == "Code à usage unique (non affiché)")
            #expect(rows.dropFirst().allSatisfy { $0.last?.hasPrefix("Envoyé") == true })
            #expect(rows.contains { $0[1] == "E-mail" && $0[3].contains("Votre enregistrement") })
            #expect(rows.contains { $0[1] == "SMS" && $0[3].contains("votre enregistrement est confirmé") })
            #expect(page.text.firstMatch(of: /\b\d{6}\b/) == nil)
        }
    }

    @Test("another subscriber's messages never appear in the log")
    func othersHidden() async throws {
        try await WebTest.withPortal { portal in
            // given Aline and Kevin registered
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            try await portal.register(Self.kevin, number: Subscribers.kevinLine)
            let browser = portal.browser(acceptLanguage: "en")
            try await browser.get("/login")
            _ = try await browser.post("/login", ["identifier": Self.kevin, "password": Subscribers.password])

            // when
            let page = try await browser.get("/notifications")

            // then
            #expect(page.status == .ok)
            #expect(Page.rows(page.text).count == 3)
            #expect(page.text.contains(Subscribers.kevinLine.e164))
            #expect(!page.text.contains(Subscribers.alineLine.e164))
        }
    }

    @Test("GET /api/v1/communicationMessage lists the login's messages with their state, codes without their text")
    func api() async throws {
        try await WebTest.withPortal { portal in
            // given Aline registered and her messages sent, and Kevin registered
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            try await Self.deliverAll(portal)
            try await portal.register(Self.kevin, number: Subscribers.kevinLine)
            let token = try await portal.token(Self.aline)

            // when
            let answer = try await portal.api(.get, "/api/v1/communicationMessage", token: token)
            let page = try await portal.api(.get, "/api/v1/communicationMessage?offset=1&limit=1", token: token)
            let anonymous = try await portal.api(.get, "/api/v1/communicationMessage")

            // then
            #expect(answer.status == .ok)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [[String: Any]])
            #expect(list.map { $0["messageType"] as? String } == ["Email", "SMS", "SMS"])
            #expect(list.allSatisfy { $0["state"] as? String == "sent" && $0["sendTime"] != nil })
            #expect(list.last?["purpose"] as? String == "activation")
            #expect(list.last?["content"] == nil)
            #expect((list[1]["content"] as? String)?.contains("confirmé") == true)
            #expect(((list[0]["receiver"] as? [[String: Any]])?.first?["email"] as? String) == "aline@example.mu")
            #expect(!answer.text.contains(Subscribers.kevinLine.e164))
            let second = try #require(try JSONSerialization.jsonObject(with: Data(page.text.utf8)) as? [[String: Any]])
            #expect(second.map { $0["id"] as? String } == [list[1]["id"] as? String])
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test("the log asks for a login")
    func signedOut() async throws {
        try await WebTest.withPortal { portal in
            // when
            let page = try await portal.browser().get("/notifications")

            // then
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login")
        }
    }

    @Test("a delivery receipt turns a sent SMS into delivered, shown as such")
    func delivered() async throws {
        try await WebTest.withPortal { portal in
            // given an SMS sent as two parts, and the SMSC's receipts for both
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            try await Self.deliverAll(portal)
            let confirmation = try await portal.database.read { db in
                try await OutboxRepository().recent(limit: 10, on: db).first { $0.purpose == "registrationConfirmed" && $0.message.channel == .sms }!
            }
            try await portal.database.transaction { db in
                try await OutboxRepository().markSent(id: confirmation.id, providerMessageID: "a1 a2", parts: ["a1", "a2"], now: portal.clock.now(), on: db)
            }
            let recorder = OutboxReceiptRecorder(database: portal.database, clock: portal.clock)

            // when
            try await recorder.record(DeliveryReceipt(messageID: "a1", state: "DELIVRD"))
            let afterOne = try await portal.messages().first { $0.purpose == "registrationConfirmed" && $0.channel == "sms" }?.status
            try await recorder.record(DeliveryReceipt(messageID: "a2", state: "DELIVRD"))
            try await recorder.record(DeliveryReceipt(messageID: "a2", state: "DELIVRD"))

            // then
            #expect(afterOne == "sent")
            let browser = portal.browser(acceptLanguage: "en")
            try await browser.get("/login")
            _ = try await browser.post("/login", ["identifier": Self.aline, "password": Subscribers.password])
            let rows = Page.rows(try await browser.get("/notifications").text)
            #expect(rows.contains { $0[1] == "SMS" && $0.last?.hasPrefix("Delivered") == true })
        }
    }
}

/// `GET /metrics`: outbox figures for monitoring, open in development, behind a token in production.
@Suite("Outbox metrics")
struct MetricsTests {
    @Test("the metrics count messages by channel and status")
    func counts() async throws {
        try await WebTest.withPortal { portal in
            // given a registration: code, confirmation SMS and e-mail, all sent
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            try await NotificationLogTests.deliverAll(portal)

            // when
            let response = try await portal.browser().get("/metrics")

            // then
            #expect(response.status == .ok)
            #expect(response.text.contains(#"selfcare_outbox_messages{channel="sms",status="sent"} 2.0"#))
            #expect(response.text.contains(#"selfcare_outbox_messages{channel="email",status="sent"} 1.0"#))
            #expect(response.text.contains("selfcare_outbox_sent_last_hour 3.0"))
            #expect(response.text.contains("selfcare_outbox_oldest_waiting_seconds 0.0"))
        }
    }

    @Test("requests are counted by the route that matched, with latency histograms, and logins by outcome")
    func httpAndLogins() async throws {
        try await WebTest.withPortal { portal in
            // given a login, a wrong password and two pages
            try await portal.register(Subscribers.aline.rawValue, number: Subscribers.alineLine)
            let browser = portal.browser()
            try await browser.get("/login")
            _ = try await browser.post("/login", ["identifier": Subscribers.aline.rawValue, "password": "wrong password here"])
            _ = try await browser.post("/login", ["identifier": Subscribers.aline.rawValue, "password": Subscribers.password])
            try await browser.get("/accounts/\(Subscribers.aline.rawValue)/usage")

            // when
            let metrics = try await portal.browser().get("/metrics").text

            // then
            #expect(metrics.contains(#"http_server_requests_total{route="/login",method="GET",status="200"} 1"#))
            #expect(metrics.contains(#"http_server_requests_total{route="/accounts/{accountId}/usage",method="GET",status="200"} 1"#))
            #expect(metrics.contains(#"http_server_request_duration_seconds_count{route="/login",method="POST"} 2"#))
            #expect(metrics.contains(#"selfcare_logins_total{result="failure"} 1"#))
            #expect(metrics.contains(#"selfcare_logins_total{result="success"} 1"#))
            #expect(metrics.contains(#"selfcare_payments{status="succeeded"} 0.0"#))
            // the SQLite pool: one writer and three readers, none held when the scrape began
            #expect(metrics.contains(#"selfcare_db_connections{state="max"} 4.0"#))
            #expect(metrics.contains(#"selfcare_db_connections{state="in_use"} 0.0"#))
        }
    }

    @Test("the last bill run's duration, recorded when it closed the period, is in the metrics")
    func billRunDuration() async throws {
        try await Billing.withPortal { portal in
            // given October billed by the fixture

            // when
            let metrics = try await portal.browser().get("/metrics").text

            // then
            let line = try #require(metrics.split(separator: "\n").first { $0.hasPrefix("selfcare_bill_run_duration_seconds ") })
            #expect((Double(line.split(separator: " ").last ?? "") ?? -1) >= 0)
        }
    }

    @Test("in production the metrics need the configured bearer token")
    func token() async throws {
        try await WebTest.withPortal(publicURL: "https://selfcare.example", mode: .production, metricsToken: "m3tr1cs-t0ken") { portal in
            // when
            let anonymous = try await portal.client.execute(uri: "/metrics", method: .get, headers: [:], body: nil)
            let wrong = try await portal.client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer nope"], body: nil)
            let right = try await portal.client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer m3tr1cs-t0ken"], body: nil)

            // then
            #expect(anonymous.status == .notFound)
            #expect(wrong.status == .notFound)
            #expect(right.status == .ok)
        }
    }
}

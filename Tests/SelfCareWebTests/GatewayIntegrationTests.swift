import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SelfCareCore
import SelfCarePayments
import SelfCareStore
import SQLKit
import Synchronization
import Testing
@testable import SandboxGateway
@testable import SelfCareServices
@testable import SelfCareWeb

/// The real sandbox gateway on a loopback port and a live portal whose `HTTPCardGateway` points at it: the browser's
/// part on the hosted card page is played over HTTP with URLSession, the portal confirms with the gateway over HTTP,
/// and the gateway's signed webhook reaches the portal.
@Suite("Gateway integration")
struct GatewayIntegrationTests {
    static let secretKey = "sk_test_integration_0123456789"
    static let webhookSecret = "whsec_" + Data((0..<32).map { UInt8(($0 * 37 + 11) % 256) }).base64EncodedString()
    static let cvc = "864"

    @Test("a bill paid with 4242… on the real hosted page is settled, and the gateway's signed event is processed once")
    func payThroughTheRealGateway() async throws {
        try await Live.run { live in
            // given Aline signed in, on her October bill
            let bill = try await live.portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await live.portal.signedInBrowser(Subscribers.aline.rawValue, acceptLanguage: "en")

            // when she pays it on the gateway's card page and comes back
            let (submitted, _) = try await browser.payBill(bill.billNo)
            let cardPageURL = try #require(submitted.headers[.location])
            let cardPage = try await live.card.get(cardPageURL)
            let decided = try await live.card.submit(cardPageURL, number: "4242 4242 4242 4242", cvc: Self.cvc)
            let returnURL = try #require(decided.location)
            let back = try await browser.get(Live.pathAndQuery(returnURL))
            let receipt = try await browser.follow(back)

            // then the card page was the gateway's own, and the return address carried the session id
            #expect(cardPageURL.hasPrefix("http://127.0.0.1:\(live.gatewayPort)/pay/cs_"))
            #expect(cardPage.status == 200)
            #expect(cardPage.text.contains(#"name="card_number""#))
            // and it names the merchant and the bill, writes the amount as the portal does, and asks for the year in English
            #expect(cardPage.text.contains("Paid to <strong>Test Merchant</strong>"))
            #expect(cardPage.text.contains("For \(bill.billNo)"))
            #expect(cardPage.text.contains(bill.remaining.formatted(.english)))
            #expect(cardPage.text.contains(#"placeholder="YYYY""#))
            #expect(decided.status == 303)
            let sessionID = String(cardPageURL.split(separator: "/").last!)
            #expect(returnURL.contains("/payments/pay_"))
            #expect(returnURL.hasSuffix("&session_id=\(sessionID)"))
            // and the portal confirmed with the gateway: bill settled, receipt shown
            let paymentID = try #require(Page.first(back.headers[.location] ?? "", /\/payments\/(pay_[A-Za-z0-9_-]+)/))
            #expect(receipt.status == .ok)
            #expect(receipt.text.contains("Thank you, your payment is confirmed."))
            #expect(receipt.text.contains("Visa •••• 4242"))
            let stored = try await live.portal.bill(number: bill.billNo)
            #expect(stored.state == .settled && stored.remaining == .zero)
            let payment = try await live.portal.payment(paymentID)
            #expect(payment.status == "succeeded" && payment.gatewaySessionID == sessionID)
            #expect(payment.cardBrand == "visa" && payment.cardLast4 == "4242")

            // when the gateway delivers its event (the sender may already have)
            try await WebhookSender(gateway: live.gateway).deliverDue()

            // then it was delivered, accepted once, and made no second receipt
            let delivered = try await live.gateway.database.read { db in
                try await db.raw("SELECT id, delivered_at FROM gateway_events WHERE session_id = \(bind: sessionID)").all()
                    .map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "delivered_at", as: Int64?.self)) }
            }
            #expect(delivered.count == 1)
            #expect(delivered.allSatisfy { $0.1 != nil })
            let eventID = try #require(delivered.first?.0)
            #expect(try await live.portal.count("webhook_events", where: "event_id = '\(eventID)'") == 1)
            #expect(try await live.portal.count("receipts") == 1)
            #expect(try await live.portal.receiptMessages().count == 2)
        }
    }

    @Test("after paying through the real gateway (declined, 3-D Secure, paid), no card number is in the portal's database or logs")
    func noCardNumberInThePortal() async throws {
        let cards = ["4000000000000002", "4000000000003220", "4242424242424242"]
        try await Live.run { live in
            // given Aline signed in, on her October bill
            let bill = try await live.portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await live.portal.signedInBrowser(Subscribers.aline.rawValue, acceptLanguage: "en")

            // when a declined card, then 100.00 with the 3-D Secure card approved, then the rest with 4242…
            let declined = try await live.pay(browser, bill: bill.billNo, number: cards[0])
            let declinedPage = try await browser.get("/payments/\(declined)")
            let challenged = try await live.pay(browser, bill: bill.billNo, number: cards[1], amount: "100.00")
            let paid = try await live.pay(browser, bill: bill.billNo, number: cards[2])

            // then the outcomes are the gateway's
            #expect(try await live.portal.payment(declined).status == "failed")
            #expect(declinedPage.text.contains("Your card was declined by your bank."))
            #expect(try await live.portal.payment(challenged).cardLast4 == "3220")
            #expect(try await live.portal.payment(paid).status == "succeeded")
            #expect(try await live.portal.bill(number: bill.billNo).state == .settled)
            // and no card number, whole or grouped, is anywhere in the portal's store or either log
            let stored = try await live.portal.everyStoredValue()
            #expect(stored.contains { $0.hasPrefix("payments.card_last4: 4242") })
            let logs = live.logs.lines
            #expect(!logs.isEmpty)
            for number in cards {
                let grouped = stride(from: 0, to: 16, by: 4).map { String(Array(number)[$0..<$0 + 4]) }.joined(separator: " ")
                #expect(stored.allSatisfy { !$0.contains(number) && !$0.contains(grouped) }, "\(number) in the portal's database")
                #expect(logs.allSatisfy { !$0.contains(number) && !$0.contains(grouped) }, "\(number) in a log")
            }
            #expect(logs.allSatisfy { !$0.contains("cvc=\(Self.cvc)") })
        }
    }

    @Test("a payment canceled on the card page ends at once: the page says so, nothing is charged, and the bill can be paid again")
    func canceledOnTheCardPage() async throws {
        try await Live.run { live in
            // given Aline on the gateway's card page for her October bill
            let bill = try await live.portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await live.portal.signedInBrowser(Subscribers.aline.rawValue, acceptLanguage: "en")
            let (submitted, _) = try await browser.payBill(bill.billNo)
            let cardPageURL = try #require(submitted.headers[.location])

            // when she cancels there and comes back, then pays again at once
            let canceled = try await live.card.post(cardPageURL + "/cancel", fields: [])
            let back = try await browser.get(Live.pathAndQuery(try #require(canceled.location)))
            let page = try await browser.follow(back)
            let again = try await live.pay(browser, bill: bill.billNo, number: "4242424242424242")
            let cardPageAfter = try await live.card.get(cardPageURL)

            // then the first payment failed as canceled, the card page is closed, and the second paid the bill
            let first = try #require(Page.first(back.headers[.location] ?? "", /\/payments\/(pay_[A-Za-z0-9_-]+)/))
            #expect(canceled.status == 303)
            #expect(try await live.portal.payment(first).status == "failed")
            #expect(page.text.contains("You canceled the payment on the card page."))
            #expect(cardPageAfter.status == 410)
            #expect(try await live.portal.payment(again).status == "succeeded")
            #expect(try await live.portal.bill(number: bill.billNo).state == .settled)
        }
    }
}

/// One live portal and one live sandbox gateway talking to each other over loopback HTTP.
struct Live: Sendable {
    let portal: PortalTest
    let gateway: SandboxGateway
    let gatewayPort: Int
    let card: CardPageClient
    let logs: LogCapture

    /// Starts the gateway on a free port and a live portal pointing at it; runs `body`; stops both.
    static func run(_ body: @escaping @Sendable (Live) async throws -> Void) async throws {
        let gatewayPort = try freeLoopbackPort()
        let logs = LogCapture()
        let logger = logs.logger(label: "integration")
        let settings = GatewaySettings(url: "http://127.0.0.1:\(gatewayPort)", secretKey: GatewayIntegrationTests.secretKey,
                                       webhookSecret: GatewayIntegrationTests.webhookSecret)
        // A suite running beside many others can leave the test client's connection idle longer than the default
        // 30 seconds between two steps; the server would close it under the client.
        try await Billing.withPortal(framework: .live, gateway: settings, appLogger: logger, configure: { $0.idleTimeout = 600 }) { portal in
            let portalPort = try #require(portal.client.port)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-gateway-live-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            // The gateway reads the portal's clock, so its signed timestamps and card expiry checks agree with the portal.
            let gateway = try await SandboxGateway.open(
                GatewayConfiguration(host: "127.0.0.1", port: gatewayPort, publicURL: "http://127.0.0.1:\(gatewayPort)",
                                     secretKey: GatewayIntegrationTests.secretKey, webhookSecret: GatewayIntegrationTests.webhookSecret,
                                     webhookURL: "http://127.0.0.1:\(portalPort)/webhooks/gateway",
                                     merchantName: "Test Merchant",
                                     database: .sqlite(path: folder.appendingPathComponent("gateway.sqlite").path)),
                clock: portal.clock, logger: logger)
            let (listening, listener) = AsyncStream.makeStream(of: Void.self)
            let app = gateway.application(onServerRunning: { _ in listener.yield() })
            let running = Task { try await app.runService() }
            let outcome: Result<Void, any Error>
            do {
                await listening.first { _ in true }
                try await body(Live(portal: portal, gateway: gateway, gatewayPort: gatewayPort, card: CardPageClient(), logs: logs))
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            running.cancel()
            _ = await running.result
            await gateway.database.close()
            try outcome.get()
        }
    }

    /// Pays `bill` (all that remains, or `amount`) with `number` on the gateway's card page (approving a 3-D Secure
    /// challenge), comes back to the portal, and returns the payment id.
    func pay(_ browser: Browser, bill: String, number: String, amount: String? = nil) async throws -> String {
        let (submitted, _) = try await browser.payBill(bill, amount: amount)
        guard let cardPage = submitted.headers[.location] else { throw PortalTestError("no card page: \(submitted.status) \(submitted.text)") }
        var decided = try await card.submit(cardPage, number: number, cvc: GatewayIntegrationTests.cvc)
        if let challenge = decided.location, challenge.hasPrefix("/pay/") {
            let origin = "http://127.0.0.1:\(gatewayPort)"
            let page = try await card.get(origin + challenge)
            guard page.text.contains("3-D Secure") else { throw PortalTestError("no challenge page") }
            decided = try await card.post(origin + challenge + "/3ds", fields: [("decision", "approve")])
        }
        guard decided.status == 303, let back = decided.location else { throw PortalTestError("the card page answered \(decided.status)") }
        let returned = try await browser.get(Self.pathAndQuery(back))
        guard let location = returned.headers[.location], let id = Page.first(location, /\/payments\/(pay_[A-Za-z0-9_-]+)/) else {
            throw PortalTestError("the return page answered \(returned.status)")
        }
        return id
    }

    /// The path and query of an absolute URL (the portal's public address is not its test port).
    static func pathAndQuery(_ url: String) throws -> String {
        guard let components = URLComponents(string: url) else { throw PortalTestError("bad URL \(url)") }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    /// A port nothing listens on now (the system picks it; it is free again once this returns).
    static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PortalTestError("no socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw PortalTestError("bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The browser's part on the gateway's pages, over real HTTP, redirects not followed.
final class CardPageClient: Sendable {
    struct Answer: Sendable {
        var status: Int
        var location: String?
        var text: String
    }

    /// Stops every redirect: the test reads `Location` itself.
    private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    private let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

    func get(_ url: String) async throws -> Answer {
        var request = URLRequest(url: try Self.url(url))
        request.setValue("en", forHTTPHeaderField: "Accept-Language")
        return try await send(request)
    }

    /// Fills in and posts the card form of the page at `url`.
    func submit(_ url: String, number: String, cvc: String) async throws -> Answer {
        let page = try await get(url)
        guard let action = Page.first(page.text, /<form method="post" action="([^"]+)" autocomplete="on">/) else {
            throw PortalTestError("no card form at \(url): \(page.status)")
        }
        let origin = try Self.url(url)
        let target = "\(origin.scheme!)://\(origin.host!):\(origin.port!)" + action.replacingOccurrences(of: "&amp;", with: "&")
        return try await post(target, fields: [
            ("cardholder_name", "Aline Ramdin"), ("card_number", number), ("exp_month", "12"), ("exp_year", "2030"), ("cvc", cvc),
        ])
    }

    func post(_ url: String, fields: [(String, String)]) async throws -> Answer {
        var request = URLRequest(url: try Self.url(url))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("en", forHTTPHeaderField: "Accept-Language")
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        request.httpBody = Data(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> Answer {
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw PortalTestError("no HTTP answer") }
        return Answer(status: http.statusCode, location: http.value(forHTTPHeaderField: "Location"), text: String(decoding: data, as: UTF8.self))
    }

    private static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text) else { throw PortalTestError("bad URL \(text)") }
        return url
    }
}

/// Collects every log line (message and metadata) of the loggers it makes, at trace level.
final class LogCapture: Sendable {
    private let collected = Mutex<[String]>([])

    var lines: [String] { collected.withLock { $0 } }

    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        collected.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }
}

extension PortalTest {
    /// Every value of every column of every table of the portal's database, as text (`table.column: value`).
    func everyStoredValue() async throws -> [String] {
        try await database.read { db -> [String] in
            let tables = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all()
                .map { try $0.decode(column: "name", as: String.self) }
            var values: [String] = []
            for table in tables {
                let columns = try await db.raw("SELECT name FROM pragma_table_info(\(bind: table))").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                for column in columns {
                    for row in try await db.raw("SELECT CAST(\(ident: column) AS TEXT) AS v FROM \(ident: table)").all()
                    where !(try row.decodeNil(column: "v")) {
                        values.append("\(table).\(column): \(try row.decode(column: "v", as: String.self))")
                    }
                }
            }
            return values
        }
    }
}

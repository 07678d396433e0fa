import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import SelfCareCore
import SelfCarePayments
import SelfCareStore
import ServiceLifecycle

/// The bundled sandbox card gateway (CONTRACT §8): checkout sessions with idempotency keys, a hosted card page with
/// the test cards and a 3-D Secure challenge, and signed webhooks retried until answered. It keeps brand and last
/// four digits only; no card number or CVC is stored or logged.
public struct SandboxGateway: Sendable {
    let configuration: GatewayConfiguration
    let database: Database
    let clock: any WallClock
    let logger: Logger
    private let sessions = GatewayRepository()

    package static func open(_ configuration: GatewayConfiguration, clock: any WallClock = SystemWallClock(), logger: Logger) async throws -> SandboxGateway {
        let database = try await Database.open(configuration.database, logger: logger)
        try await Migrator(database: database, migrations: GatewaySchema.migrations).migrate()
        return SandboxGateway(configuration: configuration, database: database, clock: clock, logger: logger)
    }

    /// Closes the gateway's database when it will not run after all (its application closes it at shutdown otherwise).
    package func close() async {
        await database.close()
    }

    /// The gateway as an HTTP application, with its webhook sender running beside it; `onServerRunning` is called
    /// once it listens.
    package func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SandboxGateway"),
            services: [GatewayDatabaseService(database: database), WebhookSender(gateway: self)],
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// The gateway's routes: the checkout API and the hosted card page.
    package func router() -> Router<BasicRequestContext> {
        let router = Router()
        addRoutes(to: router)
        return router
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/checkout/sessions") { request, context -> Response in
            try authorize(request)
            guard let key = request.headers[.init("Idempotency-Key")!], !key.isEmpty else {
                return try json(["error": ["code": "missing_idempotency_key", "message": "Idempotency-Key header is required"]], status: .badRequest)
            }
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let create = try? JSONDecoder().decode(CheckoutRequest.self, from: Data(buffer: body)), create.amount > 0,
                  create.currency == "MUR", create.successUrl.hasPrefix("http"), create.cancelUrl.hasPrefix("http"),
                  (create.description?.count ?? 0) <= 500 else {
                return try json(["error": ["code": "invalid_request",
                                           "message": "amount (cents > 0), currency MUR, reference, successUrl and cancelUrl are required; description has at most 500 characters"]],
                                status: .badRequest)
            }
            let digest = SHA256.hash(data: Data(
                "\(create.amount)|\(create.currency)|\(create.reference)|\(create.successUrl)|\(create.cancelUrl)|\(create.description ?? "")".utf8))
                .map { String(format: "%02x", $0) }.joined()
            let now = clock.now()
            let publicURL = configuration.publicURL
            let sessions = self.sessions
            let outcome = try await database.transaction { db -> CheckoutSession? in
                if let existing = try await sessions.session(idempotencyKey: key, on: db) {
                    return existing.requestDigest == digest ? existing : nil
                }
                let session = CheckoutSession(
                    id: "cs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), status: "open",
                    paymentStatus: "unpaid", amount: create.amount, currency: create.currency, reference: create.reference,
                    description: create.description, successURL: create.successUrl, cancelURL: create.cancelUrl, expiresAt: now.addingTimeInterval(3600),
                    requestDigest: digest)
                try await sessions.insert(session, idempotencyKey: key, now: now, on: db)
                return session
            }
            guard let session = outcome else {
                return try json(["error": ["code": "idempotency_key_reused", "message": "this Idempotency-Key was used with another request"]],
                                status: .unprocessableContent)
            }
            return try json(CheckoutCreated(id: session.id, url: "\(publicURL)/pay/\(session.id)", status: "open"), status: .created)
        }
        router.get("/v1/checkout/sessions/{id}") { request, context -> Response in
            try authorize(request)
            guard let session = try await load(try context.parameters.require("id")) else {
                return try json(["error": ["code": "not_found", "message": "no such checkout session"]], status: .notFound)
            }
            return try json(answer(session))
        }
        router.get("/pay/{id}") { request, context -> Response in
            let french = isFrench(request)
            guard let session = try await load(try context.parameters.require("id")), isOpen(session) else {
                return html(HostedPage.closed(french: french), status: .gone)
            }
            if session.cardLast4 != nil { return html(HostedPage.challenge(session, french: french)) }
            return html(HostedPage.cardForm(session, merchant: configuration.merchantName, french: french, error: nil, values: [:]))
        }
        router.post("/pay/{id}") { request, context -> Response in
            let french = isFrench(request)
            guard let session = try await load(try context.parameters.require("id")), isOpen(session) else {
                return html(HostedPage.closed(french: french), status: .gone)
            }
            let form = parseForm(String(buffer: try await request.body.collect(upTo: 16 * 1024)))
            let number = (form["card_number"] ?? "").filter { !$0.isWhitespace && $0 != "-" }
            if let problem = problem(number: number, form: form, french: french) {
                return html(HostedPage.cardForm(session, merchant: configuration.merchantName, french: french, error: problem, values: form), status: .unprocessableContent)
            }
            let brand = TestCards.brand(of: number)
            let last4 = String(number.suffix(4))
            switch TestCards.outcome(for: number) {
            case .paid:
                return try await finish(session, paid: true, brand: brand, last4: last4, failure: nil, french: french)
            case .declined(let code):
                return try await finish(session, paid: false, brand: brand, last4: last4, failure: code, french: french)
            case .challenge:
                let sessions = self.sessions
                try await database.transaction { db in try await sessions.rememberCard(session.id, brand: brand, last4: last4, on: db) }
                return Response(status: .seeOther, headers: [.location: "/pay/\(session.id)"])
            case .invalidNumber:
                return html(HostedPage.cardForm(session, merchant: configuration.merchantName, french: french, error: french ? "Numéro de carte invalide." : "Invalid card number.", values: form),
                            status: .unprocessableContent)
            }
        }
        router.post("/pay/{id}/3ds") { request, context -> Response in
            guard let session = try await load(try context.parameters.require("id")), isOpen(session), let last4 = session.cardLast4 else {
                return html(HostedPage.closed(french: isFrench(request)), status: .gone)
            }
            let form = parseForm(String(buffer: try await request.body.collect(upTo: 4096)))
            let approved = form["decision"] == "approve"
            return try await finish(session, paid: approved, brand: session.cardBrand ?? "visa", last4: last4,
                                    failure: approved ? nil : "authentication_failed", french: isFrench(request))
        }
        router.post("/pay/{id}/cancel") { request, context -> Response in
            guard let session = try await load(try context.parameters.require("id")) else { return html(HostedPage.closed(french: isFrench(request)), status: .gone) }
            // The payer gave up: the checkout expires at once (and says so by its event), so the merchant need not wait
            // for its hour to run out. One already completed or expired stays as it is.
            if isOpen(session) { try await expire(session) }
            return Response(status: .seeOther, headers: [.location: Self.appending(sessionID: session.id, to: session.cancelURL)])
        }
    }

    /// Ends an open checkout the payer canceled: expired, unpaid, `canceled`, with a `checkout.session.expired` event.
    private func expire(_ session: CheckoutSession) async throws {
        let now = clock.now()
        let (sessions, answerOf) = (self.sessions, self.answer)
        _ = try await database.transaction { db in
            try await sessions.complete(
                session.id, status: "expired", paymentStatus: "unpaid", brand: nil, last4: nil, failureCode: "canceled",
                eventType: "checkout.session.expired",
                eventBody: { updated in
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    return try encoder.encode(GatewayEvent(type: "checkout.session.expired", timestamp: Timestamp.format(now), data: answerOf(updated)))
                }, now: now, on: db)
        }
    }

    /// An open checkout takes a card until it expires; after that its page answers 410 Gone.
    private func isOpen(_ session: CheckoutSession) -> Bool {
        session.status == "open" && session.expiresAt >= clock.now()
    }

    private func finish(
        _ session: CheckoutSession, paid: Bool, brand: String, last4: String, failure: String?, french: Bool
    ) async throws -> Response {
        let now = clock.now()
        let sessions = self.sessions
        let answerOf = self.answer
        let completed = try await database.transaction { db in
            try await sessions.complete(
                session.id, status: "complete", paymentStatus: paid ? "paid" : "failed", brand: brand, last4: last4, failureCode: failure,
                eventType: paid ? "checkout.session.completed" : "checkout.session.failed",
                eventBody: { updated in
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    return try encoder.encode(GatewayEvent(type: paid ? "checkout.session.completed" : "checkout.session.failed",
                                                           timestamp: Timestamp.format(now), data: answerOf(updated)))
                }, now: now, on: db)
        }
        guard completed else { return html(HostedPage.closed(french: french), status: .gone) }
        let target = paid ? session.successURL : session.cancelURL
        return Response(status: .seeOther, headers: [.location: Self.appending(sessionID: session.id, to: target)])
    }

    func answer(_ session: CheckoutSession) -> GatewayCheckout {
        let expired = session.status == "open" && session.expiresAt < clock.now()
        return GatewayCheckout(
            id: session.id, status: expired ? "expired" : session.status, paymentStatus: session.paymentStatus, amount: session.amount,
            currency: session.currency, reference: session.reference,
            card: session.paymentStatus == "unpaid" ? nil : session.cardLast4.map { GatewayCheckout.Card(brand: session.cardBrand ?? "card", last4: $0) },
            failureCode: session.failureCode)
    }

    private func load(_ id: String) async throws -> CheckoutSession? {
        let sessions = self.sessions
        return try await database.read { db in try await sessions.session(id: id, on: db) }
    }

    private func authorize(_ request: Request) throws {
        let expected = "Bearer \(configuration.secretKey)"
        guard let header = request.headers[.authorization], header.utf8.count == expected.utf8.count,
              zip(header.utf8, expected.utf8).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw HTTPError(.unauthorized, message: "invalid secret key")
        }
    }

    private func problem(number: String, form: [String: String], french: Bool) -> String? {
        guard TestCards.isLuhnValid(number) else { return french ? "Numéro de carte invalide." : "Invalid card number." }
        guard let month = Int(form["exp_month"] ?? ""), (1...12).contains(month), var year = Int(form["exp_year"] ?? "") else {
            return french ? "Date d'expiration invalide." : "Invalid expiry date."
        }
        if year < 100 { year += 2000 }
        let today = CalendarDay(containing: clock.now())
        guard (year, month) >= (today.year, today.month) else { return french ? "Cette carte a expiré." : "This card has expired." }
        let cvc = form["cvc"] ?? ""
        guard (3...4).contains(cvc.count), cvc.allSatisfy(\.isNumber) else { return french ? "CVC invalide." : "Invalid CVC." }
        guard !(form["cardholder_name"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
            return french ? "Entrez le nom figurant sur la carte." : "Enter the name on the card."
        }
        return nil
    }

    private func isFrench(_ request: Request) -> Bool {
        if let lang = request.uri.queryParameters.get("lang") { return lang == "fr" }
        return Language.preferred(acceptLanguage: request.headers[.acceptLanguage]) != .english
    }

    static func appending(sessionID: String, to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "session_id=" + sessionID
    }

    private func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let name = parts.first { fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    private func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// Closes the gateway's database once everything started after it has stopped (services stop in reverse order).
struct GatewayDatabaseService: Service {
    let database: Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SelfCareCore
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore
import SelfCareTestSupport
import SQLKit
import Synchronization
@testable import SelfCareServices
@testable import SelfCareWeb

/// A clock the tests set and move; every service of one portal reads it.
final class MutableClock: WallClock {
    private let current: Mutex<Date>

    init(_ start: Date = Subscribers.start) {
        current = Mutex(start)
    }

    func now() -> Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// The subscribers every portal test database holds: one individual with one line, one company with a Client ID,
/// a contact mobile and two lines, and a spare individual.
enum Subscribers {
    /// 2 November 2026, 09:00 in Mauritius (05:00 UTC), on a whole second as the store keeps times.
    static let start = Date(timeIntervalSince1970: 1_793_595_600)

    static let aline = AccountID(body: 123_456_780)
    static let alineLine = try! MSISDN("+230 5710 0001")
    static let kevin = AccountID(body: 223_456_781)
    static let kevinLine = try! MSISDN("+230 5730 0001")

    static let companyClientID: ClientID = {
        var generator = SeededRandom(seed: 2026)
        return ClientID.random(using: &generator)
    }()
    static let companyContact = try! MSISDN("+230 5720 0000")
    static let companyAccounts = [AccountID(body: 323_456_782), AccountID(body: 323_456_783)]
    static let companyLines = [try! MSISDN("+230 5720 0001"), try! MSISDN("+230 5720 0002")]

    /// A well-formed Account ID that belongs to nobody.
    static let unknownAccount = AccountID(body: 987_654_321)
    /// A well-formed Client ID that belongs to nobody.
    static let unknownClientID: ClientID = {
        var generator = SeededRandom(seed: 7)
        return ClientID.random(using: &generator)
    }()

    /// Aline's Account ID with its check digit wrong: a typing mistake.
    static var mistypedAccount: String {
        let digits = aline.rawValue
        let last = Int(String(digits.last!))!
        return String(digits.dropLast()) + String((last + 1) % 10)
    }

    /// The company's Client ID with its check character wrong.
    static var mistypedClientID: String {
        let raw = companyClientID.rawValue
        let last = raw.last!
        return String(raw.dropLast()) + (last == "A" ? "B" : "A")
    }

    /// Every mobile number on file.
    static var allNumbers: [MSISDN] { [alineLine, kevinLine, companyContact] + companyLines }

    static let password = "tram lagoon pebble 1976"

    static let plansJSON = """
        [{"code": "POST499", "name": "Post Pay 499", "monthlyFee": "499.00",
          "allowance": {"voiceMinutes": 100, "sms": 500, "dataMB": 5000},
          "rates": {"voiceOnNetPerMinute": "1.50", "voiceOffNetPerMinute": "2.00",
                    "smsNational": "1.00", "smsInternational": "4.00", "dataPerMB": "0.50",
                    "roamingVoicePerMinute": "35.00", "roamingSms": "10.00", "roamingDataPerMB": "150.00",
                    "internationalPerMinute": {"default": "12.00"}},
          "onNetPrefixes": ["+2305"]},
         {"code": "TEST10", "name": "Test 10", "monthlyFee": "100.00",
          "allowance": {"voiceMinutes": 10, "sms": 2, "dataMB": 10},
          "rates": {"voiceOnNetPerMinute": "1.50", "voiceOffNetPerMinute": "2.00",
                    "smsNational": "1.00", "smsInternational": "4.00", "dataPerMB": "0.50",
                    "roamingVoicePerMinute": "35.00", "roamingSms": "10.00", "roamingDataPerMB": "150.00",
                    "internationalPerMinute": {"default": "12.00"}},
          "onNetPrefixes": ["+2305"]}]
        """

    static var customersCSV: String {
        let rows = [
            CustomerRow.header,
            ["C100", "Aline Ramdin", "individual", "aline@example.mu", "", aline.rawValue, alineLine.e164, "POST499", "2026-01-15"],
            ["C300", "Kevin Li", "individual", "", "", kevin.rawValue, kevinLine.e164, "TEST10", "2026-03-01"],
            ["C200", "Riviere Transport Ltd", "company", "accounts@riviere.example.mu", companyContact.e164, companyAccounts[0].rawValue,
             companyLines[0].e164, "POST499", "2026-02-01"],
            ["C200", "Riviere Transport Ltd", "company", "accounts@riviere.example.mu", companyContact.e164, companyAccounts[1].rawValue,
             companyLines[1].e164, "TEST10", "2026-02-01"],
        ]
        return rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Imports the plans and customers through the store's importers and issues the company's Client ID.
    static func seed(_ database: Database, folder: URL) async throws {
        let plans = folder.appendingPathComponent("plans.json")
        try Data(plansJSON.utf8).write(to: plans)
        _ = try await PlanImporter(database: database).importFile(at: plans.path, now: start)
        let customers = folder.appendingPathComponent("customers.csv")
        try Data(customersCSV.utf8).write(to: customers)
        let report = try await CustomerImporter(database: database, newAccountID: { fatalError("every row names its Account ID") })
            .importFile(at: customers.path, now: start)
        precondition(report.rejected.isEmpty, "fixture rows rejected: \(report.rejected)")
        let clientID = companyClientID
        let key = try await ClientIDKeyring(database: database).key(configured: nil, now: start)
        _ = try await ClientIDIssuer(database: database, key: key, newClientID: { clientID }).issue(clientReference: "C200", now: start)
    }
}

/// A message of the outbox as the tests read it.
struct QueuedMessage: Sendable, Hashable {
    var channel: String
    var recipient: String
    var subject: String?
    var body: String
    var language: String
    var purpose: String
    var status: String

    static let columns = "channel, recipient, subject, body, language, purpose, status"

    init(row: any SQLRow) throws {
        channel = try row.decode(column: "channel", as: String.self)
        recipient = try row.decode(column: "recipient", as: String.self)
        subject = try row.decode(column: "subject", as: String?.self)
        body = try row.decode(column: "body", as: String.self)
        language = try row.decode(column: "language", as: String.self)
        purpose = try row.decode(column: "purpose", as: String.self)
        status = try row.decode(column: "status", as: String.self)
    }

    /// The six-digit code an SMS carries, if any.
    var code: String? {
        body.firstMatch(of: /\b\d{6}\b/).map { String($0.output) }
    }
}

/// One audit event, every column as the tests read it.
struct AuditRow: Sendable, Hashable {
    var occurredAt: Int64
    var action: String
    var identifier: String?
    var userID: Int64?
    var clientAddress: String?
    var detail: String?

    /// Every stored value as text, to search for secrets.
    var allText: String {
        [String(occurredAt), action, identifier ?? "", userID.map(String.init) ?? "", clientAddress ?? "", detail ?? ""]
            .joined(separator: "|")
    }
}

/// A portal under test: the HTTP client of `buildApplication`, its test clock, a second connection to the same
/// SQLite file for looking at what the portal stored, and the same services wired over that connection.
struct PortalTest: Sendable {
    let client: any TestClientProtocol
    let clock: MutableClock
    /// A second `Database` on the portal's SQLite file.
    let database: Database
    /// The portal's services over `database`, sharing the portal's clock and code key.
    let services: PortalSystem

    static let scrypt = ScryptParameters(logN: 4, r: 8, p: 1)

    /// Every queued or sent message, oldest first.
    func messages() async throws -> [QueuedMessage] {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: QueuedMessage.columns) FROM outbox_messages ORDER BY id").all()
                .map(QueuedMessage.init(row:))
        }
    }

    /// The SMS sent to `number`, oldest first.
    func sms(to number: MSISDN) async throws -> [QueuedMessage] {
        try await messages().filter { $0.channel == "sms" && $0.recipient == number.e164 }
    }

    /// The code of the newest SMS to `number` that carries one.
    func latestCode(to number: MSISDN) async throws -> String {
        guard let code = try await sms(to: number).last(where: { $0.code != nil })?.code else {
            throw PortalTestError("no code was sent to \(number)")
        }
        return code
    }

    /// The newest message of the outbox, if any (cheap, for long loops).
    func newestMessage() async throws -> QueuedMessage? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: QueuedMessage.columns) FROM outbox_messages ORDER BY id DESC LIMIT 1").first()
                .map(QueuedMessage.init(row:))
        }
    }

    /// Every audit event, oldest first.
    func auditEvents() async throws -> [AuditRow] {
        try await database.read { db in
            try await db.raw("""
                SELECT occurred_at, action, identifier, user_id, client_address, detail FROM audit_events ORDER BY id
                """).all().map { row in
                AuditRow(
                    occurredAt: try row.decode(column: "occurred_at", as: Int64.self),
                    action: try row.decode(column: "action", as: String.self),
                    identifier: try row.decode(column: "identifier", as: String?.self),
                    userID: try row.decode(column: "user_id", as: Int64?.self),
                    clientAddress: try row.decode(column: "client_address", as: String?.self),
                    detail: try row.decode(column: "detail", as: String?.self))
            }
        }
    }

    /// The number of rows of `table` (optionally restricted by a trusted `WHERE` clause).
    func count(_ table: String, where condition: String? = nil) async throws -> Int {
        let filter = condition.map { " WHERE \($0)" } ?? ""
        return try await database.read { db in
            let row = try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)\(unsafeRaw: filter)").first()
            return Int(try row!.decode(column: "n", as: Int64.self))
        }
    }

    /// Every value of every row of `table`, as text, to search for secrets.
    func dump(_ table: String, columns: [String]) async throws -> [String] {
        try await database.read { db in
            // Every column as text in SQL, so both engines answer alike.
            let selected = columns.map { "CAST(\($0) AS TEXT) AS \($0)" }.joined(separator: ", ")
            return try await db.raw("SELECT \(unsafeRaw: selected) FROM \(unsafeRaw: table)").all().map { row in
                try columns.map { column in
                    try row.decodeNil(column: column) ? "" : try row.decode(column: column, as: String.self)
                }.joined(separator: "|")
            }
        }
    }

    // MARK: - JSON API

    /// Sends a JSON request to the API, with a Bearer token when given.
    func api(
        _ method: HTTPRequest.Method, _ path: String, _ body: [String: any Sendable]? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let body {
            headers[.contentType] = "application/json"
            let data = try JSONSerialization.data(withJSONObject: body)
            if let token { headers[.authorization] = "Bearer \(token)" }
            return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: data))
        }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: method, headers: headers)
    }

    /// Starts a registration through the API; returns the registration id.
    func startRegistration(_ identifier: String, fullName: String = "Aline Ramdin", email: String = "aline@example.mu") async throws -> String {
        let response = try await api(.post, "/api/v1/registrations",
                                     ["identifier": identifier, "fullName": fullName, "email": email, "acceptTerms": true])
        guard response.status == .accepted, let id = response.json["id"] as? String else {
            throw PortalTestError("registration refused: \(response.status) \(response.text)")
        }
        return id
    }

    /// Registers `identifier` end to end through the API (the code read from the SMS to `number`), then lets the minute
    /// pass that must separate two codes for one identifier, so a test may ask for the next one at once.
    func register(_ identifier: String, number: MSISDN, password: String = Subscribers.password) async throws {
        defer { clock.advance(by: 61) }
        let id = try await startRegistration(identifier)
        let code = try await latestCode(to: number)
        let activation = try await api(.post, "/api/v1/registrations/\(id)/activation", ["code": code])
        guard activation.status == .ok else { throw PortalTestError("activation refused: \(activation.text)") }
        let created = try await api(.post, "/api/v1/registrations/\(id)/password",
                                    ["password": password, "passwordConfirmation": password])
        guard created.status == .created else { throw PortalTestError("password refused: \(created.text)") }
    }

    /// Resets `identifier`'s password through the API with the code sent to `number`; returns both answers.
    func resetPassword(_ identifier: String, number: MSISDN, to password: String) async throws -> (request: TestResponse, completed: TestResponse) {
        let request = try await api(.post, "/api/v1/password-resets", ["identifier": identifier])
        guard let id = request.json["id"] as? String else { throw PortalTestError("reset refused: \(request.status) \(request.text)") }
        let code = try await latestCode(to: number)
        let completed = try await api(.post, "/api/v1/password-resets/\(id)", [
            "code": code, "password": password, "passwordConfirmation": password,
        ])
        return (request, completed)
    }

    /// Logs in through the API; returns the answer.
    func login(_ identifier: String, _ password: String = Subscribers.password) async throws -> TestResponse {
        try await api(.post, "/api/v1/sessions", ["identifier": identifier, "password": password])
    }

    /// Logs in through the API and returns the Bearer token.
    func token(_ identifier: String, _ password: String = Subscribers.password) async throws -> String {
        let response = try await login(identifier, password)
        guard response.status == .created, let token = response.json["token"] as? String else {
            throw PortalTestError("login refused: \(response.status) \(response.text)")
        }
        return token
    }

    /// True when `token` still opens a session (checked without ending it).
    func tokenWorks(_ token: String) async throws -> Bool {
        try await services.authentication.authenticate(token: token, kind: .api) != nil
    }

    /// A browser on this portal.
    func browser(acceptLanguage: String? = nil) -> Browser {
        Browser(client: client, acceptLanguage: acceptLanguage)
    }
}

extension WebTest {
    /// Runs `body` against a fresh portal on a seeded database of `engine` (SQLite by default), with a test clock, cheap
    /// scrypt parameters and no background outbox worker; then removes the database.
    /// `gateway` configures the card gateway (its URL, keys and webhook secret); `cardGateway` replaces the client the
    /// portal talks to; `smpp` and `smtp` send messages to an SMSC and a relay; `appLogger` is the application's logger;
    /// `configure` changes the configuration and `dependencies` what the portal takes from outside before it is built.
    static func withPortal(
        engine: DatabaseEngine = .sqlite,
        publicURL: String = "http://127.0.0.1:0", mode: AppConfiguration.Mode = .development,
        framework: TestingSetup = .router, gateway: GatewaySettings? = nil, cardGateway: (any CardGateway)? = nil,
        smpp: SMPPSettings? = nil, smtp: SMTPSettings? = nil, metricsToken: String? = nil,
        appLogger: Logger = WebTest.logger,
        configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
        dependencies adjust: @Sendable (inout AppDependencies) -> Void = { _ in },
        _ body: @escaping @Sendable (PortalTest) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-portal-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, drop) = try await TestDatabase.fresh(engine, in: folder)
        let clock = MutableClock()
        let database: Database
        do { database = try await Database.open(url, logger: logger) } catch {
            await drop()
            throw error
        }
        do {
            try await Migrator(database: database).migrate(now: Subscribers.start)
            try await Subscribers.seed(database, folder: folder)
            var configuration = AppConfiguration(
                mode: mode, host: "127.0.0.1", port: 0, publicURL: publicURL, database: url, smpp: smpp, smtp: smtp, gateway: gateway)
            configuration.metricsToken = metricsToken
            configure(&configuration)
            var dependencies = AppDependencies(clock: clock, scrypt: PortalTest.scrypt, messageSender: nil, runsOutboxWorker: false,
                                               cardGateway: cardGateway)
            adjust(&dependencies)
            let app = try await buildApplication(configuration: configuration, logger: appLogger, dependencies: dependencies)
            let services = try await PortalSystem(configuration: configuration, database: database, dependencies: dependencies, logger: appLogger)
            try await app.test(framework) { client in
                try await body(PortalTest(client: client, clock: clock, database: database, services: services))
            }
        } catch {
            await database.close()
            await drop()
            throw error
        }
        await database.close()
        await drop()
    }
}

/// A browser for the HTML pages: keeps cookies, reads the anti-forgery field of the last page and sends it back.
final class Browser {
    let client: any TestClientProtocol
    var acceptLanguage: String?
    /// Cookie values by name.
    private(set) var cookies: [String: String] = [:]
    /// The `Set-Cookie` lines of the last answer.
    private(set) var lastSetCookies: [String] = []
    /// The `_csrf` field of the last HTML page.
    private(set) var csrfField: String?

    init(client: any TestClientProtocol, acceptLanguage: String? = nil) {
        self.client = client
        self.acceptLanguage = acceptLanguage
    }

    @discardableResult
    func get(_ path: String) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .get, headers: headers())
        remember(response)
        return response
    }

    /// Submits a form. `csrf`: left out, the last page's `_csrf` field is sent; a value sends that value instead;
    /// `.some(nil)` sends no field at all.
    @discardableResult
    func post(_ path: String, _ fields: KeyValuePairs<String, String> = [:], csrf: String?? = .none) async throws -> TestResponse {
        var pairs = fields.map { ($0.key, $0.value) }
        switch csrf {
        case .none: if let csrfField { pairs.append(("_csrf", csrfField)) }
        case .some(.some(let value)): pairs.append(("_csrf", value))
        case .some(.none): break
        }
        var headers = headers()
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = pairs.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// GETs the `Location` of a redirect.
    @discardableResult
    func follow(_ response: TestResponse) async throws -> TestResponse {
        guard let location = response.headers[.location] else { throw PortalTestError("no Location in \(response.status)") }
        return try await get(location)
    }

    func setCookie(_ name: String, _ value: String?) {
        cookies[name] = value
    }

    private func headers() -> HTTPFields {
        var headers: HTTPFields = [:]
        if let acceptLanguage { headers[.acceptLanguage] = acceptLanguage }
        if !cookies.isEmpty { headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        return headers
    }

    private func remember(_ response: TestResponse) {
        lastSetCookies = response.setCookies
        for line in lastSetCookies {
            let attributes = line.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let pair = attributes.first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || attributes.contains(where: { $0.lowercased() == "max-age=0" }) {
                cookies[name] = nil
            } else {
                cookies[name] = value
            }
        }
        if let match = response.text.firstMatch(of: /name="_csrf" value="([^"]*)"/) {
            csrfField = String(match.output.1)
        }
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension TestResponse {
    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The API error's `code`, if the body is an API error.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

    /// The API error's `field`, if any.
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }

    /// The API error's `message`, if any.
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }

    /// The page with what differs from one request to another (ids, tokens) blanked out, to compare two pages.
    var comparableText: String {
        text.replacing(/\/register\/[A-Za-z0-9_-]+\//, with: "/register/ID/")
            .replacing(/\/password-reset\/[A-Za-z0-9_-]+/, with: "/password-reset/ID")
            .replacing(/name="_csrf" value="[^"]*"/, with: #"name="_csrf" value="""#)
    }
}

/// What `body` returned or threw.
func capture<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

extension Result {
    /// The error of a failure, nil on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

struct PortalTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

import Foundation
import Logging
import SelfCareCore
import SelfCareStore
import Synchronization
@testable import SelfCareMessaging

/// The SMSC and mail relays `scripts/test.sh` starts (`Tests/Interop/`), found through the environment; the interop
/// suites are skipped when they are not running.
enum InteropPeers {
    static let environment = ProcessInfo.processInfo.environment

    static var smscPort: Int? { environment["TEST_SMSC_PORT"].flatMap(Int.init) }
    static var smscLog: String? { environment["TEST_SMSC_LOG"] }
    static var relayPort: Int? { environment["TEST_SMTP_PORT"].flatMap(Int.init) }
    static var relayMaildir: String? { environment["TEST_SMTP_MAILDIR"] }
    static var tlsRelayPort: Int? { environment["TEST_SMTP_TLS_PORT"].flatMap(Int.init) }
    static var tlsRelayMaildir: String? { environment["TEST_SMTP_TLS_MAILDIR"] }
    static var tlsRelayCertificate: String? { environment["TEST_SMTP_TLS_CA"] }

    static var smscRunning: Bool { smscPort != nil && smscLog != nil }
    static var relaysRunning: Bool { relayPort != nil && relayMaildir != nil && tlsRelayPort != nil && tlsRelayMaildir != nil }

    static let logger: Logger = {
        var logger = Logger(label: "selfcare.interop-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A bind system id with the SMSC behaviour `flags` (see `smsc.py`) and a suffix of its own, at most 15 characters.
    static func systemID(_ flags: String) -> String {
        "\(flags)-\(UUID().uuidString.prefix(14 - flags.count).lowercased())"
    }

    /// A mobile number no other test of this run uses: a counter, started from the clock so runs against one SMSC differ.
    static func freshNumber() -> String {
        "+2305" + String(format: "%07d", numbers.next())
    }

    private static let numbers = NumberSequence(start: Int(Date().timeIntervalSince1970) % 5_000_000)

    static func smppClient(systemID: String, password: String = "secret", receipts: (any DeliveryReceiptRecorder)? = nil)
        -> SMPPClient
    {
        var configuration = SMPPClient.Configuration(
            host: "127.0.0.1", port: smscPort ?? 0, systemID: systemID, password: password, sourceAddress: "SelfCare")
        configuration.throttleBackoff = .milliseconds(1)
        configuration.responseTimeout = .seconds(5)
        return SMPPClient(configuration: configuration, receipts: receipts, logger: logger)
    }

    static func smtpClient(tls: Bool = false, policy: SMTPClient.TLSPolicy = .whenOffered, port: Int? = nil,
                           attachments: (any MailAttachmentProvider)? = nil) -> SMTPClient {
        var configuration = SMTPClient.Configuration(
            host: "127.0.0.1", port: port ?? (tls ? tlsRelayPort : relayPort) ?? 0,
            username: tls ? "selfcare" : nil, password: tls ? "relay-secret" : nil,
            from: "selfcare@operator.example", fromName: "Opérateur SelfCare", tls: policy,
            trustedCertificatesFile: tls ? tlsRelayCertificate : nil)
        configuration.timeout = .seconds(10)
        return SMTPClient(configuration: configuration, attachments: attachments, clock: FixedClock(), logger: logger)
    }

    /// Every message the SMSC took in, in order.
    static func smscRecords() throws -> [SMSCRecord] {
        guard let path = smscLog, let data = FileManager.default.contents(atPath: path) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(SMSCRecord.self, from: Data($0.utf8))
        }
    }

    /// The messages the SMSC took in for `destination` (without its `+`).
    static func smsc(to destination: String) throws -> [SMSCRecord] {
        let number = destination.hasPrefix("+") ? String(destination.dropFirst()) : destination
        return try smscRecords().filter { $0.destination == number }
    }

    /// The e-mails a relay accepted for `recipient`, read back.
    static func mail(to recipient: String, maildir: String?) throws -> [RelayedMail] {
        guard let maildir, let index = FileManager.default.contents(atPath: maildir + "/index.jsonl") else { return [] }
        return try String(decoding: index, as: UTF8.self).split(separator: "\n")
            .map { try JSONDecoder().decode(RelayIndexEntry.self, from: Data($0.utf8)) }
            .filter { $0.rcpt_tos.contains(recipient) }
            .map { try RelayedMail.parse(file: maildir + "/" + $0.file, entry: $0) }
    }
}

/// One line of the SMSC's log.
struct SMSCRecord: Decodable {
    var system_id: String
    var source: String
    var destination: String
    var text: String
    var data_coding: Int
    var parts: Int
    var message_ids: [String]
    var reference: String?
    var registered_delivery: Int
}

struct RelayIndexEntry: Decodable {
    var file: String
    var mail_from: String
    var rcpt_tos: [String]
    var tls: Bool
    var auth: String?
}

/// An e-mail as the relay stored it, read back with the MIME reader of these tests (headers unfolded, RFC 2047
/// words, quoted-printable and base64 decoded).
struct RelayedMail {
    var subject: String
    var from: String
    var messageID: String
    var text: String
    var html: String?
    var attachments: [Attachment]
    var tls: Bool?
    var auth: String?
    /// Longest line of the raw message, CRLF excluded.
    var longestLine: Int
    var bareLineFeeds: Bool

    struct Attachment {
        var filename: String
        var contentType: String
        var size: Int
        var head: String
    }

    static func parse(file: String, entry: RelayIndexEntry) throws -> RelayedMail {
        let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        let lines = renderedLines(raw)
        let message = ParsedEntity(lines: lines)
        let leaves = Self.leaves(of: message)
        let text = leaves.first { $0.mediaType == "text/plain" }.flatMap { decodeQuotedPrintable($0.body) } ?? ""
        let html = leaves.first { $0.mediaType == "text/html" }.flatMap { decodeQuotedPrintable($0.body) }
        let attachments = leaves.filter { $0.header("Content-Disposition")?.hasPrefix("attachment") == true }.map { part in
            let data = Data(base64Encoded: part.body.joined()) ?? Data()
            return Attachment(filename: part.parameter("filename", of: "Content-Disposition") ?? "", contentType: part.mediaType ?? "",
                              size: data.count, head: String(decoding: data.prefix(5), as: UTF8.self))
        }
        return RelayedMail(
            subject: Self.decodeWords(message.header("Subject") ?? ""), from: Self.decodeWords(message.header("From") ?? ""),
            messageID: message.header("Message-ID") ?? "", text: text, html: html, attachments: attachments, tls: entry.tls,
            auth: entry.auth, longestLine: lines.map(\.count).max() ?? 0, bareLineFeeds: lines.contains { $0.contains("\n") })
    }

    /// The single parts of an entity, multiparts opened recursively.
    static func leaves(of entity: ParsedEntity) -> [ParsedEntity] {
        entity.mediaType?.hasPrefix("multipart/") == true ? entity.parts.flatMap(leaves(of:)) : [entity]
    }

    /// A header value with its `=?UTF-8?B?…?=` words decoded (the space between two encoded words dropped).
    static func decodeWords(_ value: String) -> String {
        var result = ""
        var lastWasEncoded = false
        var pendingSpace = ""
        for token in value.split(separator: " ", omittingEmptySubsequences: false) {
            if token.hasPrefix("=?UTF-8?B?"), token.hasSuffix("?="),
               let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2))) {
                if !lastWasEncoded { result += pendingSpace }
                result += String(decoding: data, as: UTF8.self)
                lastWasEncoded = true
            } else {
                result += pendingSpace + String(token)
                lastWasEncoded = false
            }
            pendingSpace = " "
        }
        return result
    }
}

/// A clock tests move by hand.
final class TestClock: WallClock {
    private let current = Mutex(Date(timeIntervalSince1970: 1_796_000_000))

    func now() -> Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A clock that never moves.
struct FixedClock: WallClock {
    func now() -> Date { Date(timeIntervalSince1970: 1_796_000_000) }
}

/// A migrated SQLite outbox in a scratch folder, for the delivery tests.
struct ScratchOutbox {
    let folder: URL
    var path: String { folder.appendingPathComponent("outbox.sqlite").path }

    static func with<R: Sendable>(_ body: (ScratchOutbox) async throws -> R) async throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-outbox-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(ScratchOutbox(folder: folder))
    }

    /// Opens (and migrates) the outbox's database; the caller closes it.
    func open() async throws -> Database {
        let database = try await Database.open(.sqlite(path: path), logger: InteropPeers.logger)
        try await Migrator(database: database).migrate()
        return database
    }
}

/// An outbox two portal instances share: a database created for the test on the PostgreSQL server named by
/// `TEST_DATABASE_URL` when there is one, else one SQLite file.
enum SharedOutbox {
    static func with<R: Sendable>(_ body: (DatabaseURL) async throws -> R) async throws -> R {
        guard let server = InteropPeers.environment["TEST_DATABASE_URL"], var components = URLComponents(string: server) else {
            return try await ScratchOutbox.with { outbox in try await body(.sqlite(path: outbox.path)) }
        }
        let name = "outbox_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try await Database.open(.postgres(url: server), logger: InteropPeers.logger)
        // CREATE DATABASE cannot run inside a transaction: a plain connection.
        try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        components.path = "/" + name
        let result: Result<R, any Error>
        do { result = .success(try await body(.postgres(url: components.string!))) } catch { result = .failure(error) }
        try? await admin.read { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
        await admin.close()
        return try result.get()
    }
}

extension Database {
    /// The stored statuses of every message, by message id.
    func outboxStatuses() async throws -> [String: String] {
        try await read { db in
            try await OutboxRepository().recent(limit: 10_000, on: db)
        }.reduce(into: [:]) { $0[$1.message.messageID] = $1.status }
    }

    func enqueue(_ messages: [NewOutboxMessage], at now: Date) async throws {
        try await transaction { db in try await OutboxRepository().enqueue(messages, now: now, on: db) }
    }
}

/// Numbers handed out once each, from any task.
final class NumberSequence: Sendable {
    private let current = Mutex(0)

    init(start: Int) {
        current.withLock { $0 = start }
    }

    func next() -> Int {
        current.withLock { value in
            defer { value = (value + 1) % 10_000_000 }
            return value
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The portal configured with an SMSC and a mail relay (`SMPP_HOST`, `SMTP_HOST`), both real peers started by
/// `scripts/test.sh`: a registration's SMS and e-mail reach them with their French text intact.
@Suite("Registration messages over SMPP and SMTP", .enabled(if: MessagePeers.running))
struct MessageDeliveryInteropTests {
    @Test("registering delivers the activation SMS to the SMSC and the confirmation e-mail to the relay, accents intact")
    func registration() async throws {
        let systemID = "r-\(UUID().uuidString.prefix(12).lowercased())"
        let email = "aline-\(UUID().uuidString.prefix(8).lowercased())@example.mu"
        let smpp = SMPPSettings(host: "127.0.0.1", port: MessagePeers.smscPort, systemID: systemID, password: "secret", sourceAddress: "SelfCare")
        let smtp = SMTPSettings(host: "127.0.0.1", port: MessagePeers.relayPort, username: nil, password: nil, from: "selfcare@operator.example",
                                startTLS: false)
        try await WebTest.withPortal(smpp: smpp, smtp: smtp) { portal in
            // given a registration started in French
            let id = try await portal.startRegistration(Subscribers.aline.rawValue, email: email)

            // when the worker sends the code, and the registration is completed with the code the SMSC got
            try await portal.services.outboxWorker.runOnce()
            let sms = try MessagePeers.smsc(systemID: systemID)
            let code = try #require(sms.first?.text.firstMatch(of: /\b(\d{6})\b/)?.1)
            let activation = try await portal.api(.post, "/api/v1/registrations/\(id)/activation", ["code": String(code)])
            let created = try await portal.api(.post, "/api/v1/registrations/\(id)/password",
                                               ["password": Subscribers.password, "passwordConfirmation": Subscribers.password])
            try await portal.services.outboxWorker.runOnce()

            // then
            #expect(activation.status == .ok)
            #expect(created.status == .created)
            let delivered = try MessagePeers.smsc(systemID: systemID)
            #expect(delivered.count == 2)
            #expect(delivered.allSatisfy { $0.destination == String(Subscribers.alineLine.e164.dropFirst()) })
            #expect(delivered.first?.text.contains("votre code d'activation est \(code)") == true)
            #expect(delivered.last?.text.contains("votre enregistrement est confirmé") == true)
            let mail = try MessagePeers.mail(to: email)
            #expect(mail.count == 1)
            #expect(mail.first?.subject.hasPrefix("Votre enregistrement à") == true)
            #expect(mail.first?.subject.hasSuffix("est confirmé") == true)
            let statuses = try await portal.messages().map(\.status)
            #expect(statuses.allSatisfy { $0 == "sent" || $0 == "delivered" })
            await portal.services.unbindSMSC()
        }
    }
}

/// The SMSC and relay `scripts/test.sh` starts, found through the environment.
enum MessagePeers {
    static let environment = ProcessInfo.processInfo.environment
    static var running: Bool { environment["TEST_SMSC_PORT"] != nil && environment["TEST_SMTP_PORT"] != nil }
    static var smscPort: Int { Int(environment["TEST_SMSC_PORT"] ?? "") ?? 0 }
    static var relayPort: Int { Int(environment["TEST_SMTP_PORT"] ?? "") ?? 0 }

    struct SMS: Decodable {
        var system_id: String
        var destination: String
        var text: String
    }

    struct IndexEntry: Decodable {
        var file: String
        var rcpt_tos: [String]
    }

    struct Mail {
        var subject: String
    }

    static func smsc(systemID: String) throws -> [SMS] {
        guard let path = environment["TEST_SMSC_LOG"], let data = FileManager.default.contents(atPath: path) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n")
            .map { try JSONDecoder().decode(SMS.self, from: Data($0.utf8)) }
            .filter { $0.system_id == systemID }
    }

    /// The subjects of the e-mails the relay took for `recipient` (header unfolded, `=?UTF-8?B?…?=` words decoded).
    static func mail(to recipient: String) throws -> [Mail] {
        guard let folder = environment["TEST_SMTP_MAILDIR"], let index = FileManager.default.contents(atPath: folder + "/index.jsonl") else { return [] }
        return try String(decoding: index, as: UTF8.self).split(separator: "\n")
            .map { try JSONDecoder().decode(IndexEntry.self, from: Data($0.utf8)) }
            .filter { $0.rcpt_tos.contains(recipient) }
            .map { entry in
                let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + entry.file)), as: UTF8.self)
                let headers = raw.components(separatedBy: "\r\n\r\n").first ?? ""
                let unfolded = headers.replacingOccurrences(of: "\r\n ", with: " ")
                let line = unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") } ?? ""
                let words = line.dropFirst("Subject: ".count).split(separator: " ").map { word -> String in
                    guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                          let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return " " + word }
                    return String(decoding: data, as: UTF8.self)
                }
                return Mail(subject: words.joined().trimmingCharacters(in: .whitespaces))
            }
    }
}

import Foundation
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareMessaging

/// The SMTP client against real relays (`Tests/Interop/smtp_relay.py` on aiosmtpd, started by `scripts/test.sh`):
/// one plain, one requiring STARTTLS and AUTH.
@Suite("SMTP client against a mail relay", .enabled(if: InteropPeers.relaysRunning))
struct SMTPInteropTests {
    struct ReceiptPDF: MailAttachmentProvider {
        func attachments(for message: OutgoingMessage) async throws -> [MailAttachment] {
            [MailAttachment(filename: "R-2026-000123.pdf", contentType: "application/pdf",
                            data: Array("%PDF-1.4\n".utf8) + (0..<3000).map { UInt8($0 % 251) })]
        }
    }

    static func message(to address: String, subject: String, body: String, html: String? = nil) -> OutgoingMessage {
        OutgoingMessage(messageID: UUID().uuidString.lowercased(), channel: .email, recipient: address, subject: subject, body: body,
                        htmlBody: html, language: .french, attachment: "payment:x")
    }

    static func address(_ label: String) -> String { "\(label)-\(UUID().uuidString.prefix(8).lowercased())@example.mu" }

    @Test("a French e-mail with HTML and a PDF attachment arrives intact, accents and all")
    func frenchMail() async throws {
        // given
        let address = Self.address("aline")
        let body = "Bonjour Aline,\n\nNous avons bien reçu votre paiement de 1 234,50 Rs. Votre reçu est joint.\n.\n" +
            String(repeating: "Très longue ligne à découper proprement. ", count: 6) + "\n\nMerci,\nL'opérateur"
        let subject = "Votre reçu R-2026-000123 — paiement de décembre, merci pour votre fidélité à l'opérateur"
        let message = Self.message(to: address, subject: subject, body: body, html: "<p>Bonjour Aline, <strong>merci</strong> — reçu joint.</p>")

        // when
        let messageID = try await InteropPeers.smtpClient(attachments: ReceiptPDF()).send(message)

        // then
        let mail = try InteropPeers.mail(to: address, maildir: InteropPeers.relayMaildir)
        #expect(mail.count == 1)
        #expect(mail.first?.subject == subject)
        // The message travels with CRLF line endings; the text is compared with the LF ones it was written with.
        #expect(mail.first?.text.replacingOccurrences(of: "\r\n", with: "\n") == body)
        #expect(mail.first?.html?.contains("<strong>merci</strong> — reçu joint.") == true)
        #expect(mail.first?.from.contains("Opérateur SelfCare") == true)
        #expect(mail.first?.messageID == "<\(messageID ?? "")>")
        #expect(mail.first?.attachments.map(\.filename) == ["R-2026-000123.pdf"])
        #expect(mail.first?.attachments.first?.size == 3009)
        #expect(mail.first?.attachments.first?.head == "%PDF-")
        #expect((mail.first?.longestLine ?? 999) <= 78)
        #expect(mail.first?.bareLineFeeds == false)
    }

    @Test("over STARTTLS with AUTH, the relay gets the message encrypted and authenticated")
    func startTLSAndAuth() async throws {
        // given
        let address = Self.address("tls")

        // when
        _ = try await InteropPeers.smtpClient(tls: true, policy: .required).send(Self.message(to: address, subject: "Sécurisé", body: "Chiffré."))

        // then
        let mail = try InteropPeers.mail(to: address, maildir: InteropPeers.tlsRelayMaildir)
        #expect(mail.map(\.subject) == ["Sécurisé"])
        #expect(mail.first?.tls == true)
        #expect(mail.first?.auth == "selfcare")
    }

    @Test("a relay that does not offer STARTTLS when it is required gets nothing, and the message waits")
    func startTLSRequired() async throws {
        // given
        let address = Self.address("plain")

        // when
        let error = await #expect(throws: DeliveryError.self) {
            _ = try await InteropPeers.smtpClient(policy: .required).send(Self.message(to: address, subject: "Non", body: "Non."))
        }

        // then
        guard case .temporary(let reason) = error else { Issue.record("expected a temporary failure"); return }
        #expect(reason.contains("STARTTLS"))
        #expect(try InteropPeers.mail(to: address, maildir: InteropPeers.relayMaildir).isEmpty)
    }

    @Test("a relay answering 451 is a temporary failure; 550 is permanent")
    func replies() async throws {
        // given
        let client = InteropPeers.smtpClient()

        // when
        let busy = await #expect(throws: DeliveryError.self) {
            _ = try await client.send(Self.message(to: Self.address("tempfail1"), subject: "a", body: "a"))
        }
        let refused = await #expect(throws: DeliveryError.self) {
            _ = try await client.send(Self.message(to: Self.address("reject"), subject: "a", body: "a"))
        }

        // then
        if case .temporary = busy {} else { Issue.record("451 should be temporary, got \(String(describing: busy))") }
        if case .permanent = refused {} else { Issue.record("550 should be permanent, got \(String(describing: refused))") }
    }

    @Test("a wrong relay password is a temporary failure (a configuration problem must not lose mail)")
    func wrongPassword() async throws {
        // given
        var configuration = SMTPClient.Configuration(
            host: "127.0.0.1", port: InteropPeers.tlsRelayPort ?? 0, username: "selfcare", password: "wrong",
            from: "selfcare@operator.example", fromName: nil, tls: .required, trustedCertificatesFile: InteropPeers.tlsRelayCertificate)
        configuration.timeout = .seconds(10)
        let client = SMTPClient(configuration: configuration, attachments: nil, clock: FixedClock(), logger: InteropPeers.logger)

        // when
        let error = await #expect(throws: DeliveryError.self) {
            _ = try await client.send(Self.message(to: Self.address("x"), subject: "a", body: "a"))
        }

        // then
        if case .temporary(let reason) = error { #expect(reason.contains("535")) } else { Issue.record("expected temporary") }
    }
}

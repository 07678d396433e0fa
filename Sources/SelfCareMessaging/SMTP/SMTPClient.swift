import Foundation
import Logging
import NIOCore
import NIOSSL
import SelfCareCore

/// Finds the files an e-mail carries (a receipt's PDF), read when the message is sent.
package protocol MailAttachmentProvider: Sendable {
    func attachments(for message: OutgoingMessage) async throws -> [MailAttachment]
}

/// Sends e-mail through the operator's relay over SMTP: EHLO, STARTTLS when offered or required, AUTH PLAIN or
/// LOGIN, a MIME message with dot-stuffing; a 4xx reply leaves the message for a later try, a 5xx gives it up.
package struct SMTPClient: MessageSender {
    package enum TLSPolicy: Sendable {
        /// Refuse to send unless the relay offers STARTTLS.
        case required
        /// Use STARTTLS when the relay offers it.
        case whenOffered
    }

    package struct Configuration: Sendable {
        package var host: String
        package var port: Int
        package var username: String?
        package var password: String?
        package var from: String
        package var fromName: String?
        package var tls: TLSPolicy
        /// PEM file of the certificate authorities to trust instead of the system's (a private relay).
        package var trustedCertificatesFile: String?
        /// The name this client gives in EHLO.
        package var heloName = "selfcare.localdomain"
        /// Time allowed for each reply of the relay.
        package var timeout: TimeAmount = .seconds(30)
        /// Time allowed for a whole message once connected, greeting to QUIT.
        package var deadline: TimeAmount = .seconds(120)

        package init(host: String, port: Int, username: String?, password: String?, from: String, fromName: String?, tls: TLSPolicy,
                     trustedCertificatesFile: String? = nil) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.from = from
            self.fromName = fromName
            self.tls = tls
            self.trustedCertificatesFile = trustedCertificatesFile
        }
    }

    private let configuration: Configuration
    private let attachments: (any MailAttachmentProvider)?
    private let clock: any WallClock
    private let logger: Logger
    /// Built once (the trust store is read once); nil when it cannot be, which fails each STARTTLS with the reason.
    private let tls: Result<NIOSSLContext, any Error>

    package init(configuration: Configuration, attachments: (any MailAttachmentProvider)?, clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.attachments = attachments
        self.clock = clock
        self.logger = logger
        tls = Result {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let file = configuration.trustedCertificatesFile { tls.trustRoots = .file(file) }
            return try NIOSSLContext(configuration: tls)
        }
    }

    /// Sends the message; returns its Message-ID.
    package func send(_ message: OutgoingMessage) async throws -> String? {
        guard Self.isSafeAddress(message.recipient) else {
            throw DeliveryError.permanent("the recipient address is not one SMTP can carry")
        }
        let files = try await attachments?.attachments(for: message) ?? []
        let domain = configuration.from.split(separator: "@").last.map(String.init) ?? "selfcare.localdomain"
        let mime = MIMEMessage(
            from: configuration.from, fromName: configuration.fromName, to: message.recipient, subject: message.subject ?? "",
            text: message.body, html: message.htmlBody, attachments: files, messageID: "\(message.messageID)@\(domain)",
            date: clock.now())
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.open(
                host: configuration.host, port: configuration.port, timeout: configuration.timeout, overall: configuration.deadline)
        } catch {
            throw DeliveryError.temporary("mail relay \(configuration.host):\(configuration.port) unreachable: \(error)")
        }
        do {
            try await deliver(mime, over: connection)
            await connection.close()
            return mime.messageID
        } catch let error as SMTPError {
            await connection.close()
            throw Self.deliveryError(error)
        } catch {
            await connection.close()
            throw DeliveryError.temporary("\(error)")
        }
    }

    private func deliver(_ mime: MIMEMessage, over connection: SMTPConnection) async throws {
        let greeting = try await connection.readReply()
        guard greeting.code == 220 else { throw SMTPError.unexpectedReply(command: "greeting", reply: greeting) }
        var capabilities = try await connection.command("EHLO \(configuration.heloName)", expecting: [250]).lines
        let offersTLS = capabilities.contains { $0.uppercased() == "STARTTLS" }
        if offersTLS {
            try await connection.command("STARTTLS", expecting: [220])
            try await connection.startTLS(context: try tls.get(), serverHostname: Self.isIPAddress(configuration.host) ? nil : configuration.host)
            capabilities = try await connection.command("EHLO \(configuration.heloName)", expecting: [250]).lines
        } else if configuration.tls == .required {
            throw SMTPError.startTLSUnavailable
        }
        if let username = configuration.username, let password = configuration.password {
            // A password goes in clear only to a relay on this machine.
            guard offersTLS || Self.isLoopback(configuration.host) else { throw SMTPError.passwordInClear }
            try await authenticate(username: username, password: password, capabilities: capabilities, over: connection)
        }
        try await connection.command("MAIL FROM:<\(configuration.from)>", expecting: [250], name: "MAIL FROM")
        try await connection.command("RCPT TO:<\(mime.to)>", expecting: [250, 251], name: "RCPT TO")
        try await connection.command("DATA", expecting: [354])
        let data = MIMEMessage.dotStuffed(mime.rendered(boundarySeed: String(mime.messageID.prefix { $0 != "@" })))
        try await connection.write(data + ".\r\n")
        let accepted = try await connection.readReply()
        guard accepted.code == 250 else { throw SMTPError.unexpectedReply(command: "end of DATA", reply: accepted) }
        _ = try? await connection.command("QUIT")
    }

    private func authenticate(username: String, password: String, capabilities: [String], over connection: SMTPConnection) async throws {
        let mechanisms = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").dropFirst() ?? []
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try await connection.command("AUTH PLAIN \(token)", expecting: [235], name: "AUTH PLAIN")
        } else {
            try await connection.command("AUTH LOGIN", expecting: [334])
            try await connection.command(Data(username.utf8).base64EncodedString(), expecting: [334], name: "AUTH LOGIN user name")
            try await connection.command(Data(password.utf8).base64EncodedString(), expecting: [235], name: "AUTH LOGIN password")
        }
    }

    /// 5xx to the recipient or the message means it will never be accepted; anything else may work later (a 5xx to
    /// MAIL FROM is the relay refusing our sender, a set-up problem that must not lose every message).
    static func deliveryError(_ error: SMTPError) -> DeliveryError {
        if case .unexpectedReply(let command, let reply) = error, (500..<600).contains(reply.code),
           ["RCPT TO", "DATA", "end of DATA"].contains(command) {
            return .permanent("\(error)")
        }
        return .temporary("\(error)")
    }

    /// An address SMTP can carry without SMTPUTF8: printable ASCII, no spaces or angle brackets, one `@`.
    static func isSafeAddress(_ address: String) -> Bool {
        address.utf8.allSatisfy { (33...126).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
            && address.utf8.filter { $0 == UInt8(ascii: "@") }.count == 1
    }

    /// `localhost`, or an IPv4 address in 127.0.0.0/8, or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        guard let address = try? SocketAddress(ipAddress: host, port: 0) else { return false }
        switch address {
        case .v4(let v4): return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6: return host == "::1"
        default: return false
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

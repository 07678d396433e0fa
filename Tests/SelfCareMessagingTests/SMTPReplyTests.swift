import Testing
@testable import SelfCareMessaging

@Suite("SMTP replies")
struct SMTPReplyTests {
    private func isPermanent(_ error: DeliveryError) -> Bool {
        if case .permanent = error { return true }
        return false
    }

    private func reply(_ code: Int) -> SMTPReply {
        SMTPReply(code: code, lines: ["5.1.1 <someone@example.mu>: recipient unknown"])
    }

    @Test("a 5xx to the recipient or the message gives the message up", arguments: [
        ("RCPT TO", 550), ("RCPT TO", 553), ("DATA", 554), ("end of DATA", 552), ("end of DATA", 500),
    ])
    func permanentRefusals(command: String, code: Int) {
        // given
        let error = SMTPError.unexpectedReply(command: command, reply: reply(code))

        // when
        let delivery = SMTPClient.deliveryError(error)

        // then
        #expect(isPermanent(delivery))
        #expect(delivery.description.hasPrefix("permanent: \(command) answered \(code)"))
    }

    @Test("a 4xx at any step leaves the message for a later try", arguments: [
        ("greeting", 421), ("EHLO", 421), ("STARTTLS", 454), ("AUTH PLAIN", 454), ("MAIL FROM", 451), ("RCPT TO", 450),
        ("DATA", 451), ("end of DATA", 452),
    ])
    func transientRefusals(command: String, code: Int) {
        // given
        let error = SMTPError.unexpectedReply(command: command, reply: reply(code))

        // when
        let delivery = SMTPClient.deliveryError(error)

        // then
        #expect(!isPermanent(delivery))
        #expect(delivery.description.hasPrefix("temporary: "))
    }

    @Test("a 5xx to the greeting, EHLO, STARTTLS, AUTH or MAIL FROM is a relay set-up problem and keeps the message", arguments: [
        "greeting", "EHLO", "STARTTLS", "AUTH", "AUTH PLAIN", "AUTH LOGIN user name", "AUTH LOGIN password", "MAIL FROM",
    ])
    func setupRefusalsAreTemporary(command: String) {
        // given
        let error = SMTPError.unexpectedReply(command: command, reply: SMTPReply(code: 535, lines: ["5.7.8 authentication failed"]))

        // when
        let delivery = SMTPClient.deliveryError(error)

        // then
        #expect(!isPermanent(delivery))
    }

    @Test("a closed connection, a garbled reply or a missing STARTTLS keep the message")
    func otherErrorsAreTemporary() {
        // given
        let errors: [SMTPError] = [.connectionClosed, .malformedReply("HTTP/1.1 400 Bad Request"), .startTLSUnavailable]

        // when
        let deliveries = errors.map(SMTPClient.deliveryError)

        // then
        #expect(!deliveries.contains { isPermanent($0) })
        #expect(deliveries[0].description == "temporary: the relay closed the connection")
    }

    @Test("2xx and 3xx replies are positive, 4xx transient, 5xx neither", arguments: [
        (220, true, false), (250, true, false), (354, true, false), (421, false, true), (451, false, true),
        (499, false, true), (500, false, false), (554, false, false),
    ])
    func replyClasses(code: Int, positive: Bool, transient: Bool) {
        // given
        let reply = SMTPReply(code: code, lines: ["text"])

        // when / then
        #expect(reply.isPositive == positive)
        #expect(reply.isTransient == transient)
    }

    @Test("a multi-line reply is described with its code and its lines")
    func replyDescription() {
        // given
        let reply = SMTPReply(code: 250, lines: ["relay.example.mu", "PIPELINING", "STARTTLS"])

        // when / then
        #expect(reply.description == "250 relay.example.mu / PIPELINING / STARTTLS")
    }
}

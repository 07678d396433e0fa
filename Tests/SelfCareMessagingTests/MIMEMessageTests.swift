import Foundation
import Testing
@testable import SelfCareMessaging

@Suite("MIME e-mail")
struct MIMEMessageTests {
    /// The seed the SMTP client uses: the outbox message id, a lower-case UUID.
    private let seed = "3f2c9a1e-7b4d-4c11-9a0e-5d6f7a8b9c0d"
    private let frenchSubject = "Votre reçu R-2026-000123 pour le paiement de décembre, merci beaucoup pour votre confiance"
    private let longFrenchBody = """
        Bonjour Marie-Hélène,

        Nous avons bien reçu votre paiement de 1 250,00 Rs effectué le 1er décembre 2026 à 12 h 00 pour le compte \
        ACC-000123. Le reçu R-2026-000123 est joint à ce message au format PDF ; conservez-le précieusement, il fait foi \
        auprès de nos agences et de notre service client en cas de réclamation ultérieure concernant votre facture.
        Votre solde après ce paiement : 0,00 Rs = aucune somme restant due.
        .
        À bientôt sur votre espace SelfCare — l’équipe du service client.
        """

    private func message(
        subject: String? = nil, text: String? = nil, html: String? = nil, attachments: [MailAttachment] = []
    ) -> MIMEMessage {
        MIMEMessage(
            from: "noreply@selfcare.telecom.mu", fromName: "Télécom SelfCare", to: "marie-helene@example.mu",
            subject: subject ?? frenchSubject, text: text ?? longFrenchBody, html: html, attachments: attachments,
            messageID: "\(seed)@selfcare.telecom.mu", date: Date(timeIntervalSince1970: 1_796_126_400))
    }

    /// The header lines of `name` as rendered: the first line and its continuation lines.
    private func headerLines(_ name: String, in lines: [String]) -> [String] {
        guard let start = lines.firstIndex(where: { $0.hasPrefix(name + ":") }) else { return [] }
        var result = [lines[start]]
        for line in lines[(start + 1)...] {
            guard line.hasPrefix(" ") || line.hasPrefix("\t") else { break }
            result.append(line)
        }
        return result
    }

    @Test("the rendered message is ASCII with CRLF line endings only and no line over 78 characters")
    func lineEndingsAndLengths() {
        // given a long French body with every kind of line break, an HTML alternative and an attachment
        let text = longFrenchBody.replacingOccurrences(of: "\nVotre solde", with: "\r\nVotre solde") + "\rPS : merci.\n"
        let mime = message(
            text: text, html: "<p>\(longFrenchBody)</p>",
            attachments: [MailAttachment(filename: "R-2026-000123.pdf", contentType: "application/pdf", data: Array(repeating: 0x25, count: 600))])

        // when
        let rendered = mime.rendered(boundarySeed: seed)

        // then
        let bytes = Array(rendered.utf8)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            #expect(index > 0 && bytes[index - 1] == UInt8(ascii: "\r"), "bare LF at octet \(index)")
        }
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\r") {
            #expect(index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n"), "bare CR at octet \(index)")
        }
        #expect(rendered.hasSuffix("\r\n"))
        let lines = renderedLines(rendered)
        for line in lines {
            #expect(line.utf8.count <= 78, "\(line.utf8.count) characters: \(line)")
        }
    }

    @Test("the headers carry the sender, the recipient, the date in UTC and Message-ID <id>")
    func headers() {
        // given
        let mime = message(subject: "Your receipt R-2026-000123")

        // when
        let entity = ParsedEntity(lines: renderedLines(mime.rendered(boundarySeed: seed)))

        // then
        #expect(entity.header("From") == "=?UTF-8?B?\(Data("Télécom SelfCare".utf8).base64EncodedString())?= <noreply@selfcare.telecom.mu>")
        #expect(entity.header("To") == "<marie-helene@example.mu>")
        #expect(entity.header("Date") == "Tue, 01 Dec 2026 12:00:00 +0000")
        #expect(entity.header("Message-ID") == "<\(seed)@selfcare.telecom.mu>")
        #expect(entity.header("MIME-Version") == "1.0")
    }

    @Test("a French subject becomes folded UTF-8 encoded words that decode back to it")
    func frenchSubjectEncodedWords() throws {
        // given
        let mime = message()

        // when
        let lines = headerLines("Subject", in: renderedLines(mime.rendered(boundarySeed: seed)))

        // then
        #expect(lines.count > 1)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" =?UTF-8?B?") })
        for line in lines {
            #expect(line.count <= 76, "RFC 2047 limits a line with encoded words to 76 characters: \(line)")
        }
        let words = lines.enumerated().map { index, line in
            index == 0 ? String(line.dropFirst("Subject: ".count)) : String(line.dropFirst())
        }
        var decoded: [UInt8] = []
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let base64 = String(word.dropFirst("=?UTF-8?B?".count).dropLast(2))
            let bytes = try #require(Data(base64Encoded: base64))
            #expect(String(bytes: bytes, encoding: .utf8) != nil, "each word holds whole characters")
            decoded += bytes
        }
        #expect(String(decoding: decoded, as: UTF8.self) == frenchSubject)
    }

    @Test("a long accented sender name is folded into encoded words and the address moves to its own line")
    func longSenderName() throws {
        // given
        let name = "Société des Télécommunications de l’Océan Indien — Service SelfCare"
        var mime = message(subject: "Reçu")
        mime.fromName = name
        mime.from = "ne-pas-repondre@selfcare.telecom.example.mu"

        // when
        let lines = headerLines("From", in: renderedLines(mime.rendered(boundarySeed: seed)))

        // then
        #expect(lines.count > 2)
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(lines.last == " <ne-pas-repondre@selfcare.telecom.example.mu>")
        var decoded: [UInt8] = []
        for (index, line) in lines.dropLast().enumerated() {
            let word = index == 0 ? String(line.dropFirst("From: ".count)) : String(line.dropFirst())
            #expect(word.count <= 75)
            let data = try #require(Data(base64Encoded: String(word.dropFirst("=?UTF-8?B?".count).dropLast(2))))
            decoded += data
        }
        #expect(String(decoding: decoded, as: UTF8.self) == name)
    }

    @Test("a short ASCII subject stays as it is")
    func asciiSubject() {
        // given
        let mime = message(subject: "Your receipt R-2026-000123")

        // when
        let lines = renderedLines(mime.rendered(boundarySeed: seed))

        // then
        #expect(headerLines("Subject", in: lines) == ["Subject: Your receipt R-2026-000123"])
    }

    @Test("quoted-printable encodes non-ASCII octets and = and decodes back")
    func quotedPrintableRoundTrip() {
        // given
        let text = "Référence : 1 000,00 Rs = total"

        // when
        let lines = MIMEMessage.quotedPrintable(text)

        // then
        #expect(lines == ["R=C3=A9f=C3=A9rence : 1 000,00 Rs =3D total"])
        #expect(decodeQuotedPrintable(lines) == text)
    }

    @Test("quoted-printable encodes a space or tab at the end of a line")
    func quotedPrintableTrailingWhitespace() {
        // given
        let text = "Total  \nMerci\t\nFin"

        // when
        let lines = MIMEMessage.quotedPrintable(text)

        // then
        #expect(lines == ["Total =20", "Merci=09", "Fin"])
        #expect(decodeQuotedPrintable(lines) == text)
    }

    @Test("quoted-printable breaks a long line softly at 76 characters without cutting an =XX escape")
    func quotedPrintableSoftBreaks() {
        // given a long line of accented letters, whose escapes fall on every possible column
        let text = String(repeating: "éa=", count: 60)

        // when
        let lines = MIMEMessage.quotedPrintable(text)

        // then
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        #expect(decodeQuotedPrintable(lines) == text)
    }

    @Test("the plain body is quoted-printable UTF-8 that decodes back to the text")
    func plainBody() {
        // given
        let mime = message()

        // when
        let entity = ParsedEntity(lines: renderedLines(mime.rendered(boundarySeed: seed)))

        // then
        #expect(entity.header("Content-Type") == "text/plain; charset=UTF-8")
        #expect(entity.header("Content-Transfer-Encoding") == "quoted-printable")
        #expect(decodeQuotedPrintable(entity.body) == longFrenchBody)
    }

    @Test("with an HTML alternative the body is multipart/alternative, text/plain first then text/html")
    func htmlAlternative() throws {
        // given
        let html = "<p>Votre reçu <b>R-2026-000123</b> est prêt.</p>"
        let mime = message(text: "Votre reçu R-2026-000123 est prêt.", html: html)

        // when
        let entity = ParsedEntity(lines: renderedLines(mime.rendered(boundarySeed: seed)))

        // then
        #expect(entity.mediaType == "multipart/alternative")
        let parts = entity.parts
        try #require(parts.count == 2)
        #expect(parts.map(\.mediaType) == ["text/plain", "text/html"])
        #expect(parts.allSatisfy { $0.header("Content-Transfer-Encoding") == "quoted-printable" })
        #expect(decodeQuotedPrintable(parts[0].body) == "Votre reçu R-2026-000123 est prêt.")
        #expect(decodeQuotedPrintable(parts[1].body) == html)
    }

    @Test("with an attachment the body is multipart/mixed and the file is base64 in lines of at most 76")
    func attachment() throws {
        // given
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let mime = message(
            html: "<p>Reçu joint.</p>",
            attachments: [MailAttachment(filename: "R-2026-000123.pdf", contentType: "application/pdf", data: data)])

        // when
        let entity = ParsedEntity(lines: renderedLines(mime.rendered(boundarySeed: seed)))

        // then
        #expect(entity.mediaType == "multipart/mixed")
        let parts = entity.parts
        try #require(parts.count == 2)
        #expect(parts[0].mediaType == "multipart/alternative")
        #expect(parts[0].parts.map(\.mediaType) == ["text/plain", "text/html"])
        let file = parts[1]
        #expect(file.mediaType == "application/pdf")
        #expect(file.parameter("name", of: "Content-Type") == "R-2026-000123.pdf")
        #expect(file.header("Content-Disposition")?.hasPrefix("attachment;") == true)
        #expect(file.parameter("filename", of: "Content-Disposition") == "R-2026-000123.pdf")
        #expect(file.header("Content-Transfer-Encoding") == "base64")
        #expect(file.body.allSatisfy { $0.count <= 76 })
        #expect(file.body.dropLast().allSatisfy { $0.count == 76 })
        #expect(Data(base64Encoded: file.body.joined()).map(Array.init) == data)
    }

    @Test("the nested multipart boundaries differ and neither is a prefix of the other")
    func boundariesAreDistinct() {
        // given
        let mime = message(
            html: "<p>x</p>", attachments: [MailAttachment(filename: "a.pdf", contentType: "application/pdf", data: [1, 2, 3])])

        // when
        let entity = ParsedEntity(lines: renderedLines(mime.rendered(boundarySeed: seed)))

        // then
        let mixed = entity.parameter("boundary", of: "Content-Type")
        let alternative = entity.parts.first?.parameter("boundary", of: "Content-Type")
        #expect(mixed != nil && alternative != nil && mixed != alternative)
        #expect(mixed.map { !$0.hasPrefix(alternative ?? "") && !(alternative ?? "").hasPrefix($0) } == true)
    }

    @Test("dot-stuffing doubles a leading dot on every line, a lone dot included, and leaves other lines alone")
    func dotStuffing() {
        // given
        let rendered = ".début\r\nBonjour\r\n.\r\n..deux\r\nfin.\r\n a.b\r\n"

        // when
        let stuffed = MIMEMessage.dotStuffed(rendered)

        // then
        #expect(stuffed == "..début\r\nBonjour\r\n..\r\n...deux\r\nfin.\r\n a.b\r\n")
    }

    @Test("a body line holding a single dot cannot end the DATA once stuffed")
    func renderedMessageDotStuffed() {
        // given a body with a line that is just "."
        let mime = message()

        // when
        let rendered = mime.rendered(boundarySeed: seed)
        let stuffed = MIMEMessage.dotStuffed(rendered)

        // then
        #expect(renderedLines(rendered).contains("."))
        #expect(!stuffed.contains("\r\n.\r\n"))
        #expect(renderedLines(stuffed).contains(".."))
        #expect(stuffed.count == rendered.count + renderedLines(rendered).filter { $0.hasPrefix(".") }.count)
    }
}

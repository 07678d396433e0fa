import Foundation

/// A file attached to an e-mail.
package struct MailAttachment: Sendable, Equatable {
    package var filename: String
    package var contentType: String
    package var data: [UInt8]

    package init(filename: String, contentType: String, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// An e-mail as RFC 5322 + MIME text: UTF-8 plain text and HTML alternatives in quoted-printable, attachments in
/// base64, non-ASCII header text as RFC 2047 encoded words, CRLF line endings, lines of at most 78 characters.
package struct MIMEMessage: Sendable {
    package var from: String
    package var fromName: String?
    package var to: String
    package var subject: String
    package var text: String
    package var html: String?
    package var attachments: [MailAttachment] = []
    /// The globally unique id (without angle brackets), so a receiver can drop a message sent twice.
    package var messageID: String
    package var date: Date

    package init(from: String, fromName: String? = nil, to: String, subject: String, text: String, html: String? = nil,
                 attachments: [MailAttachment] = [], messageID: String, date: Date) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.attachments = attachments
        self.messageID = messageID
        self.date = date
    }

    /// The whole message, headers and body, lines ending in CRLF (not yet dot-stuffed).
    package func rendered(boundarySeed: String) -> String {
        var lines: [String] = []
        let sender = fromName.map { name in
            let words = Self.displayName(name)
            // The address goes on a continuation line when it would make the name's last line too long.
            let lastLine = "From: \(words)".components(separatedBy: "\r\n").last ?? ""
            return lastLine.count + 3 + from.count <= 78 ? "\(words) <\(from)>" : "\(words)\r\n <\(from)>"
        } ?? from
        lines.append("From: \(sender)")
        lines.append("To: <\(to)>")
        lines.append("Subject: \(Self.encodedWords(subject, prefixLength: 9))")
        lines.append("Date: \(Self.rfc5322Date(date))")
        lines.append("Message-ID: <\(messageID)>")
        lines.append("MIME-Version: 1.0")
        let alternative = html.map { html in
            Self.multipart("alternative", boundary: "alt-\(boundarySeed)", parts: [Self.textPart(text, subtype: "plain"), Self.textPart(html, subtype: "html")])
        } ?? Self.textPart(text, subtype: "plain")
        let body = attachments.isEmpty ? alternative : Self.multipart(
            "mixed", boundary: "mix-\(boundarySeed)", parts: [alternative] + attachments.map(Self.attachmentPart))
        lines += body
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Header and body lines of a UTF-8 text part in quoted-printable.
    static func textPart(_ text: String, subtype: String) -> [String] {
        ["Content-Type: text/\(subtype); charset=UTF-8", "Content-Transfer-Encoding: quoted-printable", ""]
            + quotedPrintable(text)
    }

    static func attachmentPart(_ attachment: MailAttachment) -> [String] {
        let name = attachment.filename.replacingOccurrences(of: "\"", with: "")
        return [
            "Content-Type: \(attachment.contentType); name=\"\(name)\"",
            "Content-Disposition: attachment; filename=\"\(name)\"",
            "Content-Transfer-Encoding: base64",
            "",
        ] + lines(of: Data(attachment.data).base64EncodedString(), width: 76)
    }

    static func lines(of text: String, width: Int) -> [String] {
        var lines: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        return lines
    }

    static func multipart(_ subtype: String, boundary: String, parts: [[String]]) -> [String] {
        var lines = ["Content-Type: multipart/\(subtype);", " boundary=\"\(boundary)\"", ""]
        for part in parts {
            lines.append("--\(boundary)")
            lines += part
        }
        lines.append("--\(boundary)--")
        return lines
    }

    /// Quoted-printable (RFC 2045 §6.7) of UTF-8 text: lines of at most 76 characters with soft breaks.
    static func quotedPrintable(_ text: String) -> [String] {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded: [String] = []
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let plain = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                encoded.append(plain ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte))
            }
            var current = ""
            for token in encoded {
                if current.count + token.count > 75 {
                    output.append(current + "=")
                    current = ""
                }
                current += token
            }
            output.append(current)
        }
        return output
    }

    /// Header text as-is when ASCII, else RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, folded so that
    /// no line holding one exceeds 76 characters, the first line's `prefixLength` (the header name) included.
    static func encodedWords(_ text: String, prefixLength: Int) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) && text.count + prefixLength <= 78 { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        // A word is "=?UTF-8?B?" + base64 (4 per 3 bytes) + "?=": 45 bytes make 72 characters after the folding space.
        func capacity(lineStart: Int) -> Int { (76 - lineStart - 12) / 4 * 3 }
        for character in text where !character.isNewline {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > capacity(lineStart: words.isEmpty ? prefixLength : 1) {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name: a quoted string when ASCII (so commas and dots are safe), else encoded words.
    static func displayName(_ name: String) -> String {
        guard name.allSatisfy({ $0.isASCII && !$0.isNewline }) else { return encodedWords(name, prefixLength: 6) }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Doubles a leading dot on every line (RFC 5321 §4.5.2), so no line of the message ends the DATA.
    package static func dotStuffed(_ rendered: String) -> String {
        rendered.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }
}

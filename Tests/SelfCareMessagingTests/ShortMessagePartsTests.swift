import Testing
@testable import SelfCareMessaging

@Suite("GSM 7-bit alphabet and SMS parts")
struct ShortMessagePartsTests {
    /// Whether the septets end inside an escape sequence (0x1B without the septet it announces).
    private func endsWithDanglingEscape(_ septets: [UInt8]) -> Bool {
        var escaped = false
        for septet in septets {
            escaped = escaped ? false : septet == GSM7.escape
        }
        return escaped
    }

    @Test("the default alphabet has 128 septets with the accented letters where GSM 03.38 puts them")
    func alphabetLayout() {
        // given the table
        let table = GSM7.basic

        // when / then
        #expect(table.count == 128)
        #expect(GSM7.septets(for: "@") == [0x00])
        #expect(GSM7.septets(for: "è") == [0x04])
        #expect(GSM7.septets(for: "é") == [0x05])
        #expect(GSM7.septets(for: "ù") == [0x06])
        #expect(GSM7.septets(for: "Ç") == [0x09])
        #expect(GSM7.septets(for: "\n") == [0x0A])
        #expect(GSM7.septets(for: "É") == [0x1F])
        #expect(GSM7.septets(for: " ") == [0x20])
        #expect(GSM7.septets(for: "A") == [0x41])
        #expect(GSM7.septets(for: "a") == [0x61])
        #expect(GSM7.septets(for: "à") == [0x7F])
        #expect(GSM7.septets(for: "\u{1B}") == nil)
    }

    @Test("a French text with é è à ù Ç É stays in GSM 7-bit, one septet per character")
    func frenchTextStaysGSM() throws {
        // given
        let text = "Éric, votre recharge de 500 Rs a été créditée à 14h. Ça expire où ? Là où vous serez, après le 31."

        // when
        let parts = try ShortMessageSplitter.split(text, reference: 1)

        // then
        #expect(parts.count == 1)
        #expect(parts[0].coding == .gsm7)
        #expect(parts[0].header.isEmpty)
        #expect(parts[0].payload.count == text.unicodeScalars.count)
        #expect(GSM7.decode(parts[0].payload) == text)
    }

    @Test("ê, ç or a typographic apostrophe force UCS-2", arguments: [
        "Votre fenêtre de paiement est ouverte",
        "Reçu de paiement disponible",
        "Consultez l’offre du mois",
    ])
    func nonGSMCharactersForceUCS2(text: String) throws {
        // given a text with one character outside the GSM alphabet
        // when
        let parts = try ShortMessageSplitter.split(text, reference: 1)

        // then the whole text goes as UTF-16 big-endian
        #expect(GSM7.encode(text) == nil)
        #expect(parts.count == 1)
        #expect(parts[0].coding == .ucs2)
        #expect(parts[0].coding.rawValue == 0x08)
        #expect(utf16Units(parts[0].payload) == Array(text.utf16))
    }

    @Test("extension characters are an escape and a septet each")
    func extensionCharactersTakeTwoSeptets() throws {
        // given
        let text = "€[]{}~\\|^"

        // when
        let septets = try #require(GSM7.encode(text))

        // then
        #expect(septets == [
            [0x1B, 0x65], [0x1B, 0x3C], [0x1B, 0x3E], [0x1B, 0x28], [0x1B, 0x29], [0x1B, 0x3D], [0x1B, 0x2F],
            [0x1B, 0x40], [0x1B, 0x14],
        ])
        #expect(GSM7.decode(septets.flatMap { $0 }) == text)
    }

    @Test("extension characters count double toward the 160 septets of one SMS")
    func extensionCharactersCountDouble() throws {
        // given 80 euro signs (160 septets) and one more character
        let fits = String(repeating: "€", count: 80)
        let overflows = fits + "a"

        // when
        let single = try ShortMessageSplitter.split(fits, reference: 9)
        let double = try ShortMessageSplitter.split(overflows, reference: 9)

        // then
        #expect(single.count == 1)
        #expect(single[0].payload.count == 160)
        #expect(double.count == 2)
        #expect(double.allSatisfy { $0.coding == .gsm7 })
    }

    @Test("exactly 160 GSM characters make one SMS without a header")
    func exactly160IsOnePart() throws {
        // given
        let text = String(repeating: "0123456789", count: 16)

        // when
        let parts = try ShortMessageSplitter.split(text, reference: 0x42)

        // then
        #expect(parts.count == 1)
        #expect(parts[0].header.isEmpty)
        #expect(parts[0].esmClass == 0x00)
        #expect(parts[0].payload == Array(text.utf8))  // digits have their ASCII value in GSM 03.38
        #expect(parts[0].shortMessage == parts[0].payload)
    }

    @Test("161 GSM characters make two parts with concatenation headers and at most 153 septets each")
    func oneMoreMakesTwoParts() throws {
        // given
        let text = String(String(repeating: "0123456789", count: 17).prefix(161))

        // when
        let parts = try ShortMessageSplitter.split(text, reference: 0xA7)

        // then
        #expect(parts.count == 2)
        #expect(parts[0].header == [0x05, 0x00, 0x03, 0xA7, 0x02, 0x01])
        #expect(parts[1].header == [0x05, 0x00, 0x03, 0xA7, 0x02, 0x02])
        #expect(parts[0].payload.count == 153)
        #expect(parts[1].payload.count == 8)
        #expect(parts.allSatisfy { $0.esmClass == 0x40 && $0.coding == .gsm7 })
        #expect(parts[0].shortMessage == parts[0].header + parts[0].payload)
        #expect(parts.map { GSM7.decode($0.payload) }.joined() == text)
    }

    @Test("an escape sequence is never split across two parts")
    func escapeSequenceStaysWhole() throws {
        // given 152 septets then a euro sign, whose escape would be septet 153 and its value septet 154
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 10)

        // when
        let parts = try ShortMessageSplitter.split(text, reference: 3)

        // then the euro sign moves whole to the second part
        #expect(parts.count == 2)
        #expect(parts[0].payload.count == 152)
        #expect(parts[0].payload.last == 0x61)
        #expect(Array(parts[1].payload.prefix(2)) == [0x1B, 0x65])
        #expect(!parts.contains { endsWithDanglingEscape($0.payload) })
        #expect(parts.map { GSM7.decode($0.payload) }.joined() == text)
    }

    @Test("a long text full of extension characters never leaves an escape at the end of a part")
    func manyEscapesStayWhole() throws {
        // given a text that puts escapes at every possible offset
        let text = String(repeating: "a{b}c€", count: 60)

        // when
        let parts = try ShortMessageSplitter.split(text, reference: 4)

        // then
        #expect(parts.count > 2)
        #expect(parts.allSatisfy { $0.payload.count <= 153 })
        #expect(!parts.contains { endsWithDanglingEscape($0.payload) })
        #expect(parts.map { GSM7.decode($0.payload) }.joined() == text)
    }

    @Test("70 UCS-2 characters make one SMS, 71 make two parts of at most 134 payload bytes")
    func ucs2Boundaries() throws {
        // given
        let seventy = String(repeating: "ê", count: 70)
        let seventyOne = seventy + "ê"

        // when
        let single = try ShortMessageSplitter.split(seventy, reference: 5)
        let double = try ShortMessageSplitter.split(seventyOne, reference: 5)

        // then
        #expect(single.count == 1)
        #expect(single[0].header.isEmpty)
        #expect(single[0].payload.count == 140)
        #expect(double.count == 2)
        #expect(double.map(\.payload.count) == [134, 8])
        #expect(double.map(\.header) == [[0x05, 0x00, 0x03, 0x05, 0x02, 0x01], [0x05, 0x00, 0x03, 0x05, 0x02, 0x02]])
        #expect(double.allSatisfy { $0.coding == .ucs2 && $0.esmClass == 0x40 })
    }

    @Test("an emoji at a part boundary is never split between its two surrogates")
    func surrogatePairStaysWhole() throws {
        // given 66 characters (132 bytes) then an emoji of 4 bytes that does not fit the remaining 2
        let text = String(repeating: "ê", count: 66) + "😀" + String(repeating: "ê", count: 10)

        // when
        let parts = try ShortMessageSplitter.split(text, reference: 6)

        // then
        #expect(parts.count == 2)
        #expect(parts[0].payload.count == 132)
        #expect(Array(parts[1].payload.prefix(4)) == [0xD8, 0x3D, 0xDE, 0x00])
        for part in parts {
            let units = utf16Units(part.payload)
            #expect(!String(decoding: units, as: UTF16.self).contains("\u{FFFD}"))
        }
        #expect(parts.map { String(decoding: utf16Units($0.payload), as: UTF16.self) }.joined() == text)
    }

    @Test("decoding the encoded septets gives back the text", arguments: [
        "Hello @ £5 ¥ Ñ ¿ ¡ § Δ Ω\nLigne 2\r",
        "Prix : 10€ [promo] {ok} ~ \\ | ^",
        "ÄÖÜäöü ßÆæØøÅå",
    ])
    func roundTrip(text: String) throws {
        // given
        let septets = try #require(GSM7.encode(text))

        // when
        let decoded = GSM7.decode(septets.flatMap { $0 })

        // then
        #expect(decoded == text)
    }

    @Test("an empty text is refused")
    func emptyText() {
        // given
        let text = ""

        // when / then
        #expect(throws: ShortMessageSplitter.SplitError.empty) { try ShortMessageSplitter.split(text, reference: 1) }
    }

    @Test("a text of 255 parts is split, one needing 256 parts is too long")
    func tooManyParts() throws {
        // given
        let longest = String(repeating: "a", count: 153 * 255)
        let tooLong = longest + "a"

        // when
        let parts = try ShortMessageSplitter.split(longest, reference: 7)

        // then
        #expect(parts.count == 255)
        #expect(parts.last?.header == [0x05, 0x00, 0x03, 0x07, 0xFF, 0xFF])
        #expect(throws: ShortMessageSplitter.SplitError.tooLong(parts: 256)) {
            try ShortMessageSplitter.split(tooLong, reference: 7)
        }
    }
}

/// The GSM 03.38 default alphabet and its extension table, one septet per octet (unpacked, as SMPP carries it).
package enum GSM7 {
    /// The 128 characters of the default alphabet, by septet value (0x1B is the escape to the extension table).
    static let basic: [Unicode.Scalar] = Array(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    /// The extension table: characters sent as escape + septet.
    static let extended: [Unicode.Scalar: UInt8] = [
        "\u{0C}": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
    ]
    static let escape: UInt8 = 0x1B

    private static let septets: [Unicode.Scalar: UInt8] = {
        var table: [Unicode.Scalar: UInt8] = [:]
        for (value, scalar) in basic.enumerated() where value != 0x1B {
            table[scalar] = UInt8(value)
        }
        return table
    }()

    /// The septets of one character (one, or two for the extension table), or nil when it has none.
    static func septets(for scalar: Unicode.Scalar) -> [UInt8]? {
        if let septet = septets[scalar] { return [septet] }
        if let septet = extended[scalar] { return [escape, septet] }
        return nil
    }

    /// The text as septets, each character's septets kept together; nil when a character is not in the alphabet.
    package static func encode(_ text: String) -> [[UInt8]]? {
        var characters: [[UInt8]] = []
        characters.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let septets = septets(for: scalar) else { return nil }
            characters.append(septets)
        }
        return characters
    }

    /// Decodes unpacked septets (escape sequences included) back to text.
    package static func decode(_ septets: some Sequence<UInt8>) -> String {
        let reverse = Dictionary(uniqueKeysWithValues: extended.map { ($1, $0) })
        var text = String.UnicodeScalarView()
        var escaped = false
        for septet in septets {
            if escaped {
                text.append(reverse[septet] ?? " ")
                escaped = false
            } else if septet == escape {
                escaped = true
            } else if Int(septet) < basic.count {
                text.append(basic[Int(septet)])
            }
        }
        return String(text)
    }
}

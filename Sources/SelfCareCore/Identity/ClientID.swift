/// A client's confidential access code: eleven random characters and one check character, in Crockford's
/// base-32 alphabet (no I, L, O or U to misread), written `XXXX-XXXX-XXXX`.
public struct ClientID: Sendable, Hashable, CustomStringConvertible {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 12

    /// The twelve characters, upper case, without dashes.
    public let rawValue: String

    /// Accepts upper or lower case, spaces and dashes, and the look-alikes O→0, I/L→1; checks the check character.
    public init(_ text: String) throws(IdentifierError) {
        var values: [Int] = []
        for character in text.uppercased() where !character.isWhitespace && character != "-" {
            let normalised: Character = switch character {
            case "O": "0"
            case "I", "L": "1"
            default: character
            }
            guard let value = Self.alphabet.firstIndex(of: normalised) else {
                throw .clientIDCharacter(String(character))
            }
            values.append(value)
        }
        guard !values.isEmpty else { throw .empty }
        guard values.count == Self.length else { throw .clientIDLength(values.count) }
        guard CheckDigits.mod3332(Array(values.dropLast())) == values.last else { throw .clientIDCheckCharacter }
        rawValue = String(values.map { Self.alphabet[$0] })
    }

    private init(values: [Int]) {
        let check = CheckDigits.mod3332(values)
        rawValue = String((values + [check]).map { Self.alphabet[$0] })
    }

    /// A fresh, unguessable code (55 random bits) from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> ClientID {
        ClientID(values: (0..<(length - 1)).map { _ in Int.random(in: 0..<32, using: &generator) })
    }

    /// The code grouped for reading: `7K3M-Q9XD-2H4B`.
    public var grouped: String {
        let characters = Array(rawValue)
        return String(characters[0..<4]) + "-" + String(characters[4..<8]) + "-" + String(characters[8...])
    }

    public var description: String { grouped }
}

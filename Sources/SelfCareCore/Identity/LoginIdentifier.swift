/// What a subscriber types to register or log in: an Account ID (digits only) or a Client ID (has letters).
public enum LoginIdentifier: Sendable, Hashable, CustomStringConvertible {
    case account(AccountID)
    case client(ClientID)

    public init(_ text: String) throws(IdentifierError) {
        let compact = text.filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard !compact.isEmpty else { throw .empty }
        if compact.allSatisfy(\.isASCIIDigit) {
            self = .account(try AccountID(compact))
        } else {
            self = .client(try ClientID(compact))
        }
    }

    /// The canonical text: ten digits, or the twelve-character client code.
    public var canonical: String {
        switch self {
        case .account(let id): id.rawValue
        case .client(let id): id.rawValue
        }
    }

    public var description: String {
        switch self {
        case .account(let id): id.rawValue
        case .client(let id): id.grouped
        }
    }
}

/// Why a typed identifier is not valid; each case has a message key the pages translate.
public enum IdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case accountIDNotDigits
    case accountIDLength(Int)
    case accountIDCheckDigit
    case clientIDCharacter(String)
    case clientIDLength(Int)
    case clientIDCheckCharacter

    /// The key of the translated message in the locale files.
    public var messageKey: String {
        switch self {
        case .empty: "error.identifier.empty"
        case .accountIDNotDigits: "error.identifier.accountDigits"
        case .accountIDLength: "error.identifier.accountLength"
        case .accountIDCheckDigit: "error.identifier.accountCheck"
        case .clientIDCharacter: "error.identifier.clientCharacter"
        case .clientIDLength: "error.identifier.clientLength"
        case .clientIDCheckCharacter: "error.identifier.clientCheck"
        }
    }

    public var description: String {
        switch self {
        case .empty: "identifier is empty"
        case .accountIDNotDigits: "an Account ID has digits only"
        case .accountIDLength(let count): "an Account ID has 10 digits, not \(count)"
        case .accountIDCheckDigit: "the Account ID's check digit does not match: a digit is mistyped"
        case .clientIDCharacter(let character): "'\(character)' cannot appear in a Client ID"
        case .clientIDLength(let count): "a Client ID has 12 characters, not \(count)"
        case .clientIDCheckCharacter: "the Client ID's check character does not match: a character is mistyped"
        }
    }
}

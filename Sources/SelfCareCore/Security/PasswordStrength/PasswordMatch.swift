/// A password as zxcvbn reads it: Unicode scalars (Python's code points), with a lower-cased copy of the same length.
struct PasswordText: Sendable {
    let scalars: [Unicode.Scalar]
    let lowered: [Unicode.Scalar]

    init<Scalars: Sequence<Unicode.Scalar>>(_ scalars: Scalars) {
        self.scalars = Array(scalars)
        self.lowered = self.scalars.map(\.loweredForMatching)
    }

    var count: Int { scalars.count }

    subscript(_ i: Int, _ j: Int) -> ArraySlice<Unicode.Scalar> { scalars[i...j] }
}

/// A pattern found at scalars `i...j` of a password (both ends included, as in zxcvbn).
struct PasswordMatch: Sendable {
    enum Pattern: Sendable {
        case dictionary(DictionaryHit)
        case spatial(SpatialWalk)
        /// A base string repeated `repeatCount` times; `baseGuesses` is the base's own estimate.
        case repeated(baseGuesses: Double, repeatCount: Double)
        case sequence(ascending: Bool)
        case recentYear(Int)
        case date(year: Int, hasSeparator: Bool)
        case bruteforce
    }

    let i: Int
    let j: Int
    let pattern: Pattern

    var length: Int { j - i + 1 }

    var isBruteforce: Bool {
        if case .bruteforce = pattern { true } else { false }
    }

    /// What this pattern tells the user; nil for brute force.
    var weakness: PasswordWeakness? {
        switch pattern {
        case .dictionary(let hit): hit.source.weakness
        case .spatial: .keyboardPattern
        case .repeated: .repeated
        case .sequence: .sequence
        case .recentYear, .date: .date
        case .bruteforce: nil
        }
    }
}

/// A word of a ranked dictionary found in the password, maybe reversed or with l33t substitutions.
struct DictionaryHit: Sendable {
    let source: WordSource
    let rank: Int
    var reversed = false
    /// The substitutions used, as (substitute, letter) pairs, e.g. ("@", "a").
    var l33t: [(substitute: Unicode.Scalar, letter: Unicode.Scalar)] = []
}

/// A walk on a keyboard graph: how many turns it takes and how many of its keys are shifted.
struct SpatialWalk: Sendable {
    let family: KeyboardGraph.Family
    let turns: Int
    let shiftedCount: Int
}

extension Unicode.Scalar {
    /// The simple lower-case mapping, keeping one scalar for one (so match positions stay aligned).
    var loweredForMatching: Unicode.Scalar {
        if isASCII {
            return (65...90).contains(value) ? Unicode.Scalar(value + 32)! : self
        }
        let mapping = properties.lowercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first! : self
    }

    /// Python's `\d`: any decimal digit (Unicode category Nd).
    var isDecimalDigit: Bool {
        isASCII ? (48...57).contains(value) : properties.numericType == .decimal
    }

    /// The value of a decimal digit.
    var digitValue: Int {
        isASCII ? Int(value) - 48 : Int(properties.numericValue ?? 0)
    }

    /// Python's `\s`: Unicode white space, including the ASCII information separators.
    var isPythonWhitespace: Bool { properties.isWhitespace || (0x1C...0x1F).contains(value) }
}

extension Collection<Unicode.Scalar> {
    /// The integer written by these decimal digits, as Python's `int()` reads it.
    var decimalValue: Int { reduce(0) { $0 * 10 + $1.digitValue } }
}

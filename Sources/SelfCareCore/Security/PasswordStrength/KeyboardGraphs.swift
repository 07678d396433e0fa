/// A keyboard or keypad as zxcvbn models it (adjacency_graphs.py): for each character, the keys around it.
struct KeyboardGraph: Sendable {
    /// Keyboards and keypads each have their own starting positions and average degree in the estimate.
    enum Family: Sendable {
        case keyboard
        case keypad
    }

    let name: String
    let family: Family
    /// For each character, its neighbouring keys in clockwise order from the left (each key as its unshifted then
    /// shifted characters), nil past an edge.
    let adjacency: [Unicode.Scalar: [[Unicode.Scalar]?]]
    /// The characters typed with shift: the second character of each two-character key.
    let shifted: Set<Unicode.Scalar>

    /// Builds the graph from rows of keys separated by spaces, the way zxcvbn's
    /// `build_keyboard_adjacency_graphs.py` does: on a slanted keyboard each row is shifted by one more column,
    /// and a key touches six others; on an aligned keypad it touches eight.
    init(name: String, family: Family, slanted: Bool, rows: [String]) {
        var positions: [Position: [Unicode.Scalar]] = [:]
        let keySize = rows.first { !$0.isEmpty }.flatMap { $0.split(separator: " ").first }?.unicodeScalars.count ?? 1
        let unit = keySize + 1
        for (y, row) in rows.enumerated() {
            let slant = slanted ? y : 0
            var column = 0
            var key: [Unicode.Scalar] = []
            for scalar in row.unicodeScalars + [" "] {
                if scalar == " " {
                    if !key.isEmpty {
                        let start = column - key.count - slant
                        precondition(key.count == keySize && start % unit == 0, "misaligned key \(key) in \(name)")
                        positions[Position(x: start / unit, y: y)] = key
                        key = []
                    }
                } else {
                    key.append(scalar)
                }
                column += 1
            }
        }
        let neighbours: [(Int, Int)] = slanted
            ? [(-1, 0), (0, -1), (1, -1), (1, 0), (0, 1), (-1, 1)]
            : [(-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1)]
        var adjacency: [Unicode.Scalar: [[Unicode.Scalar]?]] = [:]
        for (position, key) in positions {
            let around = neighbours.map { positions[Position(x: position.x + $0.0, y: position.y + $0.1)] }
            for character in key {
                adjacency[character] = around
            }
        }
        self.name = name
        self.family = family
        self.adjacency = adjacency
        self.shifted = Set(positions.values.compactMap { $0.count == 2 ? $0[1] : nil })
    }

    private struct Position: Hashable {
        let x: Int
        let y: Int
    }

    /// The average number of neighbours of a key.
    var averageDegree: Double {
        Double(adjacency.values.reduce(0) { $0 + $1.compactMap { $0 }.count }) / Double(adjacency.count)
    }

    static let qwerty = KeyboardGraph(name: "qwerty", family: .keyboard, slanted: true, rows: [
        #"`~ 1! 2@ 3# 4$ 5% 6^ 7& 8* 9( 0) -_ =+"#,
        #"    qQ wW eE rR tT yY uU iI oO pP [{ ]} \|"#,
        #"     aA sS dD fF gG hH jJ kK lL ;: '""#,
        #"      zZ xX cC vV bB nN mM ,< .> /?"#,
    ])

    static let dvorak = KeyboardGraph(name: "dvorak", family: .keyboard, slanted: true, rows: [
        #"`~ 1! 2@ 3# 4$ 5% 6^ 7& 8* 9( 0) [{ ]}"#,
        #"    '" ,< .> pP yY fF gG cC rR lL /? =+ \|"#,
        #"     aA oO eE uU iI dD hH tT nN sS -_"#,
        #"      ;: qQ jJ kK xX bB mM wW vV zZ"#,
    ])

    /// The French AZERTY keyboard (ISO, with the `<>` key left of W); digits are its shifted characters.
    static let azerty = KeyboardGraph(name: "azerty", family: .keyboard, slanted: true, rows: [
        #"   &1 é2 "3 '4 (5 -6 è7 _8 ç9 à0 )° =+"#,
        #"    aA zZ eE rR tT yY uU iI oO pP ^¨ $£"#,
        #"     qQ sS dD fF gG hH jJ kK lL mM ù% *µ"#,
        #"   <> wW xX cC vV bB nN ,? ;. :/ !§"#,
    ])

    static let keypad = KeyboardGraph(name: "keypad", family: .keypad, slanted: false, rows: [
        "  / * -",
        "7 8 9 +",
        "4 5 6",
        "1 2 3",
        "  0 .",
    ])

    static let macKeypad = KeyboardGraph(name: "mac_keypad", family: .keypad, slanted: false, rows: [
        "  = / *",
        "7 8 9 -",
        "4 5 6 +",
        "1 2 3",
        "  0 .",
    ])

    /// zxcvbn's graphs.
    static let zxcvbn = [qwerty, dvorak, keypad, macKeypad]
    /// zxcvbn's graphs and AZERTY.
    static let standard = [qwerty, azerty, dvorak, keypad, macKeypad]
}

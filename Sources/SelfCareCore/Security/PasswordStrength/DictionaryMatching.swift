/// Dictionary matches (matching.py): ranked words as they are, reversed, and with l33t substitutions.
extension PasswordMatcher {
    /// zxcvbn's `L33T_TABLE`: the characters that stand in for each letter.
    static let l33tTable: [(letter: Unicode.Scalar, substitutes: [Unicode.Scalar])] = [
        ("a", ["4", "@"]), ("b", ["8"]), ("c", ["(", "{", "[", "<"]), ("e", ["3"]), ("g", ["6", "9"]),
        ("i", ["1", "!", "|"]), ("l", ["1", "|", "7"]), ("o", ["0"]), ("s", ["$", "5"]), ("t", ["+", "7"]),
        ("x", ["%"]), ("z", ["2"]),
    ]

    typealias L33tSubstitution = [(substitute: Unicode.Scalar, letter: Unicode.Scalar)]

    typealias FoundWord = (i: Int, j: Int, entry: WordTrie.Entry)

    func dictionaryMatches(_ password: PasswordText) -> [PasswordMatch] {
        rankedWords(in: password.lowered).map {
            let hit = DictionaryHit(source: $0.entry.source, rank: $0.entry.rank)
            return PasswordMatch(i: $0.i, j: $0.j, pattern: .dictionary(hit))
        }
    }

    func reverseDictionaryMatches(_ password: PasswordText) -> [PasswordMatch] {
        let last = password.count - 1
        let matches = rankedWords(in: password.lowered.reversed()).map {
            let hit = DictionaryHit(source: $0.entry.source, rank: $0.entry.rank, reversed: true)
            return PasswordMatch(i: last - $0.j, j: last - $0.i, pattern: .dictionary(hit))
        }
        return sortedByPosition(matches)
    }

    /// Every substring of `lowered` that is a ranked word, by start, end, then list order (user words last).
    func rankedWords(in lowered: [Unicode.Scalar]) -> [FoundWord] {
        var found: [FoundWord] = []
        for i in lowered.indices {
            var node: Int? = WordTrie.root
            var userNode: Int? = WordTrie.root
            for j in i..<lowered.count {
                tally.steps += 1
                node = node.flatMap { dictionaries.child($0, lowered[j]) }
                userNode = userNode.flatMap { userWords.child($0, lowered[j]) }
                if node == nil, userNode == nil { break }
                if let node { found += dictionaries.entries(node).map { (i, j, $0) } }
                if let userNode { found += userWords.entries(userNode).map { (i, j, $0) } }
            }
        }
        return found
    }

    /// Words spelled with substitutes (`p@ssw0rd`). zxcvbn runs a dictionary pass per substitution table, which
    /// grows exponentially with the substitutes present; walking the tries from each position and splitting the
    /// tables only where the window meets a new substitute finds the same matches without the blow-up.
    func l33tMatches(_ password: PasswordText) -> [PasswordMatch] {
        let present = Set(password.scalars)
        let table = Self.l33tTable.compactMap { entry -> (letter: Unicode.Scalar, substitutes: [Unicode.Scalar])? in
            let relevant = entry.substitutes.filter(present.contains)
            return relevant.isEmpty ? nil : (entry.letter, relevant)
        }
        guard !table.isEmpty else { return [] }
        let tables = L33tTables(table)
        tally.steps += tables.tables.count
        var matches: [PasswordMatch] = []
        // The group of tables is a function of the reading, so each split is worked out once per estimate.
        var splits: [[L33tTables.Reading]: [(letter: Unicode.Scalar?, group: [Int])]] = [:]

        /// Extends the window `i..<j`, whose substitutes every table in `group` reads as `reading` says.
        func walk(_ i: Int, _ j: Int, node: Int?, userNode: Int?, group: [Int], reading: [L33tTables.Reading]) {
            guard j < password.count else { return }
            var branches: [(scalar: Unicode.Scalar, group: [Int], reading: [L33tTables.Reading])] = []
            if let k = tables.index[password.scalars[j]] {
                if case .undecided = reading[k] {
                    var undecided = reading
                    undecided[k] = .splitting
                    let parts = splits[undecided] ?? {
                        tally.steps += group.count
                        let parts = tables.partition(group, bySubstitute: k)
                        splits[undecided] = parts
                        return parts
                    }()
                    for (letter, subgroup) in parts {
                        var next = reading
                        next[k] = letter.map(L33tTables.Reading.letter) ?? .kept
                        branches.append((letter ?? password.lowered[j], subgroup, next))
                    }
                } else if case .letter(let letter) = reading[k] {
                    branches = [(letter, group, reading)]
                }
            }
            if branches.isEmpty { branches = [(password.lowered[j], group, reading)] }
            for branch in branches {
                tally.steps += 1
                let nextNode = node.flatMap { dictionaries.child($0, branch.scalar) }
                let nextUserNode = userNode.flatMap { userWords.child($0, branch.scalar) }
                if nextNode == nil, nextUserNode == nil { continue }
                let used = tables.used(branch.reading)
                if j > i, !used.isEmpty {
                    let entries = (nextNode.map(dictionaries.entries) ?? []) + (nextUserNode.map(userWords.entries) ?? [])
                    for entry in entries {
                        let hit = DictionaryHit(source: entry.source, rank: entry.rank, l33t: used)
                        matches.append(PasswordMatch(i: i, j: j, pattern: .dictionary(hit)))
                    }
                }
                walk(i, j + 1, node: nextNode, userNode: nextUserNode, group: branch.group, reading: branch.reading)
            }
        }

        let everyTable = Array(tables.tables.indices)
        let unread = [L33tTables.Reading](repeating: .undecided, count: tables.substitutes.count)
        for i in password.scalars.indices {
            walk(i, i, node: WordTrie.root, userNode: WordTrie.root, group: everyTable, reading: unread)
        }
        return sortedByPosition(matches)
    }
}

/// zxcvbn's substitution tables for the substitutes present in a password (`enumerate_l33t_subs`): each table
/// reads each substitute as at most one letter, and each letter from at most one substitute.
struct L33tTables {
    /// How a window reads a substitute.
    enum Reading: Hashable {
        case undecided
        /// About to be split on (only in the keys of the memo of splits).
        case splitting
        case kept
        case letter(Unicode.Scalar)
    }

    /// The substitutes present, in the order of zxcvbn's table.
    let substitutes: [Unicode.Scalar]
    let index: [Unicode.Scalar: Int]
    /// For each table, the letter (ASCII) each substitute stands for, or 0 when it stays as is.
    let tables: [[UInt8]]

    init(_ table: [(letter: Unicode.Scalar, substitutes: [Unicode.Scalar])]) {
        var substitutes: [Unicode.Scalar] = []
        for substitute in table.flatMap(\.substitutes) where !substitutes.contains(substitute) {
            substitutes.append(substitute)
        }
        let index = Dictionary(uniqueKeysWithValues: substitutes.enumerated().map { ($1, $0) })
        var tables: [[UInt8]] = [Array(repeating: 0, count: substitutes.count)]
        for (letter, letterSubstitutes) in table {
            var next: [[UInt8]] = []
            for substitute in letterSubstitutes {
                let k = index[substitute]!
                for table in tables {
                    var alternative = table
                    alternative[k] = UInt8(letter.value)
                    if table[k] != 0 { next.append(table) }
                    next.append(alternative)
                }
            }
            var seen: Set<[UInt8]> = []
            tables = next.filter { seen.insert($0).inserted }
        }
        self.substitutes = substitutes
        self.index = index
        self.tables = tables
    }

    /// The tables of `group` split by the letter they read substitute `k` as, in order of first appearance.
    func partition(_ group: [Int], bySubstitute k: Int) -> [(letter: Unicode.Scalar?, group: [Int])] {
        var parts: [(code: UInt8, group: [Int])] = []
        for table in group {
            let code = tables[table][k]
            if let part = parts.firstIndex(where: { $0.code == code }) {
                parts[part].group.append(table)
            } else {
                parts.append((code, [table]))
            }
        }
        return parts.map { ($0.code == 0 ? nil : Unicode.Scalar($0.code), $0.group) }
    }

    /// The substitutions a reading uses, as (substitute, letter) pairs.
    func used(_ reading: [Reading]) -> PasswordMatcher.L33tSubstitution {
        reading.enumerated().compactMap { k, read in
            if case .letter(let letter) = read { (substitutes[k], letter) } else { nil }
        }
    }
}

/// Dates and years (matching.py `date_match` and `regex_match`): `1991`, `13/05/1991`, `130591`, `1991-5-13`…
extension PasswordMatcher {
    static let minimumDateYear = 1000
    static let maximumDateYear = 2050

    /// zxcvbn's `DATE_SPLITS`: where to cut a run of 4 to 8 digits into day, month and year, in some order.
    static let dateSplits: [Int: [(Int, Int)]] = [
        4: [(1, 2), (2, 3)],
        5: [(1, 3), (2, 3)],
        6: [(1, 2), (2, 4), (4, 5)],
        7: [(1, 3), (2, 3), (4, 5), (4, 6)],
        8: [(2, 4), (4, 6)],
    ]

    /// zxcvbn's `recent_year` regular expression `19\d\d|200\d|201\d`, found left to right without overlaps.
    func recentYearMatches(_ password: PasswordText) -> [PasswordMatch] {
        let scalars = password.scalars
        var matches: [PasswordMatch] = []
        var position = 0
        while position + 3 < scalars.count {
            let (a, b, c, d) = (scalars[position], scalars[position + 1], scalars[position + 2], scalars[position + 3])
            let isYear = d.isDecimalDigit
                && ((a == "1" && b == "9" && c.isDecimalDigit) || (a == "2" && b == "0" && (c == "0" || c == "1")))
            if isYear {
                let year = scalars[position...position + 3].decimalValue
                matches.append(PasswordMatch(i: position, j: position + 3, pattern: .recentYear(year)))
                position += 4
            } else {
                position += 1
            }
        }
        return matches
    }

    func dateMatches(_ password: PasswordText) -> [PasswordMatch] {
        let scalars = password.scalars
        var matches: [PasswordMatch] = []
        if scalars.count >= 4 {
            for i in 0..<scalars.count - 3 {
                for j in i + 3..<i + 8 where j < scalars.count {
                    let token = scalars[i...j]
                    guard token.allSatisfy(\.isDecimalDigit) else { continue }
                    var best: (year: Int, distance: Int)?
                    for (k, l) in Self.dateSplits[token.count]! {
                        let start = token.startIndex
                        let ints = [token[start..<start + k], token[start + k..<start + l], token[(start + l)...]]
                            .map(\.decimalValue)
                        guard let year = Self.dateYear(ints) else { continue }
                        let distance = abs(year - GuessEstimates.referenceYear)
                        if best == nil || distance < best!.distance { best = (year, distance) }
                    }
                    if let best {
                        matches.append(PasswordMatch(i: i, j: j, pattern: .date(year: best.year, hasSeparator: false)))
                    }
                }
            }
        }
        if scalars.count >= 6 {
            for i in 0..<scalars.count - 5 {
                for j in i + 5..<i + 10 where j < scalars.count {
                    guard let ints = Self.separatedDate(scalars[i...j]), let year = Self.dateYear(ints) else { continue }
                    matches.append(PasswordMatch(i: i, j: j, pattern: .date(year: year, hasSeparator: true)))
                }
            }
        }
        let kept = matches.filter { match in
            !matches.contains { other in
                (other.i, other.j) != (match.i, match.j) && other.i <= match.i && other.j >= match.j
            }
        }
        return sortedByPosition(kept)
    }

    /// The three numbers of a token matching `^(\d{1,4})([\s/\\_.-])(\d{1,2})\2(\d{1,4})$`, or nil.
    static func separatedDate(_ token: ArraySlice<Unicode.Scalar>) -> [Int]? {
        func digitRun(from index: Int) -> Int {
            token[index...].prefix(while: \.isDecimalDigit).count
        }
        let start = token.startIndex
        let first = digitRun(from: start)
        guard (1...4).contains(first), start + first < token.endIndex else { return nil }
        let separator = token[start + first]
        guard separator.isPythonWhitespace || "/\\_.-".unicodeScalars.contains(separator) else { return nil }
        let secondStart = start + first + 1
        guard secondStart < token.endIndex else { return nil }
        let second = digitRun(from: secondStart)
        let thirdStart = secondStart + second + 1
        guard (1...2).contains(second), thirdStart < token.endIndex, token[thirdStart - 1] == separator else { return nil }
        let third = digitRun(from: thirdStart)
        guard (1...4).contains(third), thirdStart + third == token.endIndex else { return nil }
        return [token[start..<start + first], token[secondStart..<secondStart + second], token[thirdStart...]]
            .map(\.decimalValue)
    }

    /// zxcvbn's `map_ints_to_dmy`, keeping only the year: nil when the three numbers cannot be a day, a month
    /// and a year (two-digit years read as 1951–2050).
    static func dateYear(_ ints: [Int]) -> Int? {
        guard ints[1] <= 31, ints[1] > 0 else { return nil }
        var over12 = 0
        var over31 = 0
        var under1 = 0
        for int in ints {
            if (100..<minimumDateYear).contains(int) || int > maximumDateYear { return nil }
            if int > 31 { over31 += 1 }
            if int > 12 { over12 += 1 }
            if int <= 0 { under1 += 1 }
        }
        if over31 >= 2 || over12 == 3 || under1 >= 2 { return nil }
        let splits = [(ints[2], [ints[0], ints[1]]), (ints[0], [ints[1], ints[2]])]
        for (year, rest) in splits where (minimumDateYear...maximumDateYear).contains(year) {
            return isDayAndMonth(rest) ? year : nil
        }
        for (year, rest) in splits where isDayAndMonth(rest) {
            return year > 99 ? year : year > 50 ? year + 1900 : year + 2000
        }
        return nil
    }

    /// zxcvbn's `map_ints_to_dm`: the two numbers are a day and a month, in either order.
    private static func isDayAndMonth(_ ints: [Int]) -> Bool {
        [(ints[0], ints[1]), (ints[1], ints[0])].contains { (1...31).contains($0.0) && (1...12).contains($0.1) }
    }
}

import Foundation

/// A ranked list of words a guesser tries, most likely first.
enum WordSource: String, Sendable, CaseIterable {
    case passwords
    case englishWikipedia = "english_wikipedia"
    case femaleNames = "female_names"
    case surnames
    case usTvAndFilm = "us_tv_and_film"
    case maleNames = "male_names"
    /// Our hand-written list of very common French (and Mauritian) password words.
    case french
    /// The words personal to the user, given with each estimate.
    case userInputs = "user_inputs"

    /// zxcvbn's frequency lists, in zxcvbn's order.
    static let zxcvbnLists: [WordSource] = [
        .passwords, .englishWikipedia, .femaleNames, .surnames, .usTvAndFilm, .maleNames,
    ]

    var weakness: PasswordWeakness {
        switch self {
        case .passwords, .french: .commonPassword
        case .englishWikipedia, .femaleNames, .surnames, .usTvAndFilm, .maleNames: .word
        case .userInputs: .personalInformation
        }
    }
}

/// The bundled word lists (`Resources/password-lists/<name>.txt`, one word a line, most common first), read once.
enum WordLists {
    static let zxcvbn: [(source: WordSource, words: [String])] = WordSource.zxcvbnLists.map { ($0, load($0.rawValue)) }
    static let french: [String] = load(WordSource.french.rawValue)

    private static func load(_ name: String) -> [String] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Resources/password-lists")
                ?? Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "password-lists"),
              let data = try? Data(contentsOf: url) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension WordTrie {
    static let zxcvbn = WordTrie(lists: WordLists.zxcvbn)
    static let standard = WordTrie(lists: WordLists.zxcvbn + [(.french, WordLists.french)])

    /// The words of `lists`, each ranked by its position in its list (1 for the first).
    init(lists: [(source: WordSource, words: [String])]) {
        self.init(lists.flatMap { list in list.words.enumerated().map { ($1, Entry(source: list.source, rank: $0 + 1)) } })
    }

    /// The user's own words, ranked as given.
    init(userWords: [String: Int]) {
        self.init(userWords.map { ($0.key, Entry(source: .userInputs, rank: $0.value)) })
    }
}

/// The user's own words as zxcvbn's `user_inputs` list: lower-cased, ranked in the order given.
enum UserInputs {
    /// Parts shorter than this are not added on their own.
    static let minimumPartLength = 3

    /// With `splitting`, each input is followed by its compact form and its parts: `Jean-Luc Dupont` also gives
    /// `jeanlucdupont`, `jean`, `luc`, `dupont`; an e-mail address also gives its local part.
    static func rankedWords(_ inputs: [String], splitting: Bool) -> [String: Int] {
        let lowered = inputs.map { $0.lowercased() }
        guard splitting else {
            return Dictionary(lowered.enumerated().map { ($1, $0 + 1) }, uniquingKeysWith: { $1 })
        }
        var ranks: [String: Int] = [:]
        var rank = 0
        func add(_ word: some StringProtocol) {
            let word = String(word)
            guard !word.isEmpty, ranks[word] == nil else { return }
            rank += 1
            ranks[word] = rank
        }
        for input in lowered {
            let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
            let isWordCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber }
            add(trimmed)
            add(trimmed.filter(isWordCharacter))
            if let at = trimmed.lastIndex(of: "@") { add(trimmed[..<at]) }
            for part in trimmed.split(whereSeparator: { !isWordCharacter($0) })
            where part.unicodeScalars.count >= minimumPartLength {
                add(part)
            }
        }
        return ranks
    }
}

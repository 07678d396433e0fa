import Foundation
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// scrypt password hashes: parameters stored with each hash, salted, no truncation, raised parameters rehash.
@Suite("Password hasher")
struct PasswordHasherTests {
    static let cheap = ScryptParameters(logN: 4, r: 8, p: 1)
    static let stronger = ScryptParameters(logN: 5, r: 8, p: 1)

    /// 128 characters, several of them outside ASCII.
    static let longest: String = {
        let text = String(String(repeating: "Le lagon de Blue Bay à l'aube, ", count: 5).prefix(127)) + "ü"
        precondition(text.count == 128)
        return text
    }()

    @Test("a hash verifies its password and no other")
    func roundTrip() async throws {
        // given
        let hasher = PasswordHasher(parameters: Self.cheap, threads: 1)
        let stored = try await hasher.hash("tram lagoon pebble")

        // when
        let right = try await hasher.verify("tram lagoon pebble", against: stored)
        let wrong = try await hasher.verify("tram lagoon pebbles", against: stored)
        let empty = try await hasher.verify("", against: stored)

        // then
        #expect(right)
        #expect(!wrong)
        #expect(!empty)
    }

    @Test("a 128-character password verifies; the same with one character changed does not, wherever the change")
    func longestPasswordIsNotTruncated() async throws {
        // given
        let hasher = PasswordHasher(parameters: Self.cheap, threads: 1)
        let stored = try await hasher.hash(Self.longest)
        let lastChanged = String(Self.longest.dropLast()) + "u"
        let firstChanged = "l" + String(Self.longest.dropFirst())
        let seventyThirdChanged = String(Self.longest.prefix(72)) + "#" + String(Self.longest.dropFirst(73))

        // when
        let same = try await hasher.verify(Self.longest, against: stored)
        let changed = [
            try await hasher.verify(lastChanged, against: stored),
            try await hasher.verify(firstChanged, against: stored),
            try await hasher.verify(seventyThirdChanged, against: stored),
        ]

        // then
        #expect(Self.longest.utf8.count > 128)
        #expect([lastChanged, firstChanged, seventyThirdChanged].allSatisfy { $0.count == 128 && $0 != Self.longest })
        #expect(same)
        #expect(changed == [false, false, false])
    }

    @Test("the parameters are stored in each hash")
    func parametersInHash() async throws {
        // given
        let cheap = PasswordHasher(parameters: Self.cheap, threads: 1)
        let owasp = PasswordHasher(threads: 1)

        // when
        let cheapHash = try await cheap.hash("tram lagoon pebble")
        let owaspHash = try await owasp.hash("tram lagoon pebble")

        // then
        #expect(cheapHash.hasPrefix("$scrypt$ln=4,r=8,p=1$"))
        #expect(owaspHash.hasPrefix("$scrypt$ln=15,r=8,p=3$"))
        #expect(ScryptParameters.owasp == ScryptParameters(logN: 15, r: 8, p: 3))
        #expect(owaspHash.split(separator: "$").count == 4)
    }

    @Test("a hash with older parameters still verifies, and asks to be rehashed")
    func needsRehash() async throws {
        // given a hash made with weaker parameters than today's
        let old = PasswordHasher(parameters: Self.cheap, threads: 1)
        let current = PasswordHasher(parameters: Self.stronger, threads: 1)
        let oldHash = try await old.hash("tram lagoon pebble")
        let currentHash = try await current.hash("tram lagoon pebble")

        // when
        let verifies = try await current.verify("tram lagoon pebble", against: oldHash)

        // then
        #expect(verifies)
        #expect(current.needsRehash(oldHash))
        #expect(!current.needsRehash(currentHash))
        #expect(!old.needsRehash(oldHash))
    }

    @Test("two hashes of the same password differ by their salt")
    func salted() async throws {
        // given
        let hasher = PasswordHasher(parameters: Self.cheap, threads: 1)

        // when
        let first = try await hasher.hash("tram lagoon pebble")
        let second = try await hasher.hash("tram lagoon pebble")

        // then
        #expect(first != second)
        #expect(first.split(separator: "$")[2] != second.split(separator: "$")[2])
        #expect(try await hasher.verify("tram lagoon pebble", against: first))
        #expect(try await hasher.verify("tram lagoon pebble", against: second))
    }

    @Test("a hasher with no room left answers busy at once instead of queueing more work")
    func bounded() async throws {
        // given a hasher whose queue is full
        let hasher = PasswordHasher(parameters: Self.cheap, threads: 1, maximumPending: 0)

        // when
        let outcome = await capture { try await hasher.hash("tram lagoon pebble") }

        // then
        #expect(outcome.failure is PasswordHasherError)
    }

    @Test("a malformed stored hash verifies nothing", arguments: [
        "", "plain text", "$bcrypt$ln=4,r=8,p=1$AAAA$AAAA", "$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
        "$scrypt$ln=4,r=8$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
    ])
    func malformed(_ stored: String) async throws {
        // given
        let hasher = PasswordHasher(parameters: Self.cheap, threads: 1)

        // when
        let verifies = try await hasher.verify("anything at all", against: stored)

        // then
        #expect(!verifies)
    }
}

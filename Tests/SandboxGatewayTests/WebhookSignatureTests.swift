import Crypto
import Foundation
import SelfCarePayments
import Testing

/// Standard Webhooks signatures (CONTRACT §8): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, verified with a
/// five-minute tolerance either way; several space-separated signatures, any may match; `whsec_` secrets are base64.
@Suite("Webhook signatures")
struct WebhookSignatureTests {
    static let id = "evt_0123456789abcdef"
    static let now = Date(timeIntervalSince1970: 1_795_154_400)
    static var timestamp: Int64 { Int64(now.timeIntervalSince1970) }
    static let body = Data(#"{"data":{"id":"cs_abc","paymentStatus":"paid"},"type":"checkout.session.completed"}"#.utf8)
    static let secret = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString()

    static func verify(id: String = id, timestamp: String = String(timestamp), signatures: String, body: Data = body,
                       secret: String = secret, now: Date = now) -> Bool {
        WebhookSignature.verify(id: id, timestamp: timestamp, signatures: signatures, body: body, secret: secret, now: now)
    }

    @Test("a signature made with the secret verifies")
    func roundTrip() {
        // given
        let signature = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: Self.secret)

        // when
        let valid = Self.verify(signatures: signature)

        // then
        #expect(valid)
        #expect(signature.hasPrefix("v1,"))
    }

    @Test("the signature is the base64 HMAC-SHA256 of id.timestamp.body keyed with the decoded whsec_ secret")
    func matchesTheSpecification() {
        // given the key bytes behind the whsec_ secret, computed independently
        let key = SymmetricKey(data: Data((0..<32).map { UInt8($0) }))
        var message = Data("\(Self.id).\(Self.timestamp).".utf8)
        message.append(Self.body)
        let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()

        // when
        let signature = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: Self.secret)

        // then
        #expect(signature == expected)
    }

    @Test("a secret without the whsec_ prefix is used as its UTF-8 bytes")
    func plainSecret() {
        // given
        let secret = "plain shared secret"
        var message = Data("\(Self.id).\(Self.timestamp).".utf8)
        message.append(Self.body)
        let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8))))
            .base64EncodedString()

        // when
        let signature = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: secret)

        // then
        #expect(signature == expected)
        #expect(Self.verify(signatures: signature, secret: secret))
        #expect(!Self.verify(signatures: signature), "the same text under the whsec_ secret is another key")
    }

    @Test("a changed body, id or timestamp no longer verifies")
    func tampered() {
        // given
        let signature = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: Self.secret)
        var tamperedBody = Self.body
        tamperedBody[tamperedBody.count - 3] ^= 0x01

        // when
        let otherBody = Self.verify(signatures: signature, body: tamperedBody)
        let longerBody = Self.verify(signatures: signature, body: Self.body + Data(" ".utf8))
        let otherID = Self.verify(id: Self.id + "0", signatures: signature)
        let otherTimestamp = Self.verify(timestamp: String(Self.timestamp + 1), signatures: signature)

        // then
        #expect(!otherBody)
        #expect(!longerBody)
        #expect(!otherID)
        #expect(!otherTimestamp)
    }

    @Test("a signature made with another secret does not verify")
    func wrongSecret() {
        // given
        let other = "whsec_" + Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
        let signature = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: other)

        // when
        let valid = Self.verify(signatures: signature)

        // then
        #expect(!valid)
    }

    @Test("a timestamp more than five minutes old is refused, one within five minutes is accepted",
          arguments: [(-300.0, true), (-299.0, true), (-301.0, false), (-3600.0, false), (-86_400.0 * 365, false)])
    func oldTimestamps(age: TimeInterval, accepted: Bool) {
        // given an event signed at now + age, correctly
        let signedAt = Self.timestamp + Int64(age)
        let signature = WebhookSignature.sign(id: Self.id, timestamp: signedAt, body: Self.body, secret: Self.secret)

        // when
        let valid = Self.verify(timestamp: String(signedAt), signatures: signature)

        // then
        #expect(valid == accepted)
    }

    @Test("a timestamp more than five minutes ahead is refused", arguments: [(60.0, true), (300.0, true), (301.0, false), (7200.0, false)])
    func futureTimestamps(ahead: TimeInterval, accepted: Bool) {
        // given an event signed with a clock ahead of ours
        let signedAt = Self.timestamp + Int64(ahead)
        let signature = WebhookSignature.sign(id: Self.id, timestamp: signedAt, body: Self.body, secret: Self.secret)

        // when
        let valid = Self.verify(timestamp: String(signedAt), signatures: signature)

        // then
        #expect(valid == accepted)
    }

    @Test("a timestamp that is not a whole number of seconds is refused", arguments: ["", "abc", "1795154400.5", "2026-11-20T06:00:00Z"])
    func malformedTimestamp(timestamp: String) {
        // given
        let signature = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: Self.secret)

        // when
        let valid = Self.verify(timestamp: timestamp, signatures: signature)

        // then
        #expect(!valid)
    }

    @Test("among several space-separated signatures, one that matches is enough")
    func severalSignatures() {
        // given the header of a secret rotation: an old key's signature, an unknown scheme, then the current one
        let old = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: "whsec_" + Data(repeating: 9, count: 32).base64EncodedString())
        let current = WebhookSignature.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: Self.secret)
        let unknownScheme = "v1a," + current.dropFirst(3)

        // when
        let currentLast = Self.verify(signatures: "\(old) \(unknownScheme) \(current)")
        let currentFirst = Self.verify(signatures: "\(current) \(old)")
        let noneMatching = Self.verify(signatures: "\(old) \(unknownScheme) v1,not-base64!")

        // then
        #expect(currentLast)
        #expect(currentFirst)
        #expect(!noneMatching)
    }

    @Test("an empty, unversioned or garbled header is refused", arguments: ["", "v1,", "v1", "abc", "v2,AAAA", "v1,////"])
    func garbledHeader(header: String) {
        // given a header that carries no valid signature

        // when
        let valid = Self.verify(signatures: header)

        // then
        #expect(!valid)
    }
}

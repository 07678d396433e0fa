import Testing
@testable import SelfCareMessaging

@Suite("SMPP client concatenation reference and back-off")
struct SMPPClientPolicyTests {
    @Test("the concatenation reference is the same on every try of a message")
    func referenceIsStable() {
        // given
        let messageID = "3f2c9a1e-7b4d-4c11-9a0e-5d6f7a8b9c0d"

        // when
        let first = SMPPClient.reference(for: messageID)
        let again = SMPPClient.reference(for: String(messageID))

        // then
        #expect(first == again)
    }

    @Test("different messages mostly get different concatenation references")
    func referenceSpreads() {
        // given a hundred message ids
        let ids = (0..<100).map { "message-\($0)" }

        // when
        let references = Set(ids.map(SMPPClient.reference(for:)))

        // then
        #expect(Set(ids).count == 100)
        #expect(references.count >= 50)
        #expect(SMPPClient.reference(for: "a") != SMPPClient.reference(for: "b"))
    }

    @Test("the back-off doubles with each attempt, plus at most a quarter of jitter")
    func backoffDoubles() {
        // given
        let base = Duration.milliseconds(200)

        for _ in 0..<50 {
            // when
            let waits = (1...5).map { SMPPClient.backoff(base: base, attempt: $0, cap: .seconds(60)) }

            // then
            for (index, wait) in waits.enumerated() {
                let floor = base * (1 << index)
                #expect(wait >= floor)
                #expect(wait <= floor * 1.25)
            }
        }
    }

    @Test("the back-off never exceeds the cap and a quarter, however many attempts")
    func backoffIsCapped() {
        // given
        let cap = Duration.seconds(10)

        for attempt in [7, 8, 10, 17, 18, 40, 1000] {  // 200 ms × 2⁶ = 12.8 s is already over the cap
            // when
            let wait = SMPPClient.backoff(base: .milliseconds(200), attempt: attempt, cap: cap)

            // then
            #expect(wait >= cap)
            #expect(wait <= cap * 1.25)
        }
    }
}

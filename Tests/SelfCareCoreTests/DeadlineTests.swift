import SelfCareCore
import Testing

/// `withDeadline`: the work's answer when it comes in time, nil when the deadline passes first, its error otherwise.
@Suite("Deadline")
struct DeadlineTests {
    struct Refused: Error, Equatable {}

    @Test("an answer in time is the answer")
    func inTime() async throws {
        // given / when
        let answer = try await withDeadline(.seconds(60)) { 42 }

        // then
        #expect(answer == 42)
    }

    @Test("work that never ends gives nil once the deadline passes, and is cancelled")
    func late() async throws {
        // given work that waits until cancelled
        let (stream, continuation) = AsyncStream<Void>.makeStream()

        // when
        let answer = try await withDeadline(.milliseconds(1)) { () async throws -> Int in
            await withTaskCancellationHandler {
                for await _ in stream {}
            } onCancel: {
                continuation.finish()
            }
            return 1
        }

        // then
        #expect(answer == nil)
    }

    @Test("an error before the deadline is thrown again")
    func error() async {
        // given / when / then
        await #expect(throws: Refused.self) {
            _ = try await withDeadline(.seconds(60)) { () async throws -> Int in throw Refused() }
        }
    }
}

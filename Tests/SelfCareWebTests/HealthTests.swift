import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// CONTRACT §6: `GET /health` is 200 when the database answers.
@Suite("Health")
struct HealthTests {
    @Test("answers 200 {\"status\":\"ok\"} when the database answers")
    func healthy() async throws {
        try await WebTest.withApp { client in
            // given a freshly migrated database

            // when
            let response = try await client.execute(uri: "/health", method: .get)

            // then
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.text == #"{"status":"ok"}"#)
        }
    }
}

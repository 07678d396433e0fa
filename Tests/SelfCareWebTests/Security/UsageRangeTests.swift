import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// `GET /api/v1/usage` reads a bounded range, paged in SQL: at most 13 periods, none in the future, a fast 400 otherwise.
@Suite("Usage range")
struct UsageRangeTests {
    static let aline = Subscribers.aline.rawValue

    @Test("an unbounded, future or reversed range is a 400 naming the parameter", arguments: [
        ("from=1900-01-01&to=9999-12-31", "to"), ("from=1900-01-01&to=2026-11-20", "from"), ("from=2025-10-01&to=2026-11-20", "from"),
        ("to=2026-11-21", "to"), ("from=2026-11-02&to=2026-11-01", "from"), ("offset=-1", "offset"), ("limit=0", "limit"),
        ("limit=1001", "limit"), ("offset=ten", "offset"),
    ])
    func refused(query: String, field: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)

            // when
            let answer = try await portal.api(.get, "/api/v1/usage?\(query)", token: token)

            // then
            #expect(answer.status == .badRequest, "\(query)")
            #expect(answer.errorField == field, "\(query)")
        }
    }

    /// Today in the billing world is 20 November 2026.
    @Test("13 periods up to today are answered, paged in SQL with the total in X-Total-Count", arguments: TestDatabase.engines)
    func thirteenPeriodsPaged(engine: DatabaseEngine) async throws {
        try await Billing.withPortal(engine: engine) { portal in
            // given every record of Aline's over the longest range allowed
            let token = try await portal.token(Self.aline)
            let all = try await portal.api(.get, "/api/v1/usage?from=2025-11-01&to=2026-11-20&limit=1000", token: token)
            let ids = Self.ids(all)

            // when the same range is read ten at a time
            var pages: [String] = []
            var offset = 0
            while offset < ids.count {
                let page = try await portal.api(.get, "/api/v1/usage?from=2025-11-01&to=2026-11-20&offset=\(offset)&limit=10", token: token)
                #expect(page.headers[.init("X-Total-Count")!] == String(ids.count))
                pages += Self.ids(page)
                offset += 10
            }

            // then
            #expect(all.status == .ok)
            #expect(ids.count > 64, "October and November")
            #expect(pages == ids)
            #expect(Set(ids).count == ids.count)
        }
    }

    static func ids(_ answer: TestResponse) -> [String] {
        ((try? JSONSerialization.jsonObject(with: Data(answer.text.utf8))) as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}

import Foundation
import HTTPTypes
import Logging
import Hummingbird
import HummingbirdTesting
import SelfCareStore
import SQLKit
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

/// Issue 15.5: liveness and readiness apart.
@Suite("Liveness and readiness")
struct ReadinessTests {
    @Test("live and ready answer 200 on a migrated database; ready names the migrations as current")
    func readyWhenMigrated() async throws {
        try await WebTest.withApp { client in
            // given a freshly migrated database

            // when
            let live = try await client.execute(uri: "/health/live", method: .get)
            let ready = try await client.execute(uri: "/health/ready", method: .get)

            // then
            #expect(live.status == .ok && live.text == #"{"status":"ok"}"#)
            #expect(ready.status == .ok)
            #expect(ready.text == #"{"status":"ok","database":"ok","migrations":"current"}"#)
        }
    }

    @Test("ready answers 503 naming the pending migrations when the database lacks one this build knows; live stays 200")
    func notReadyWithPendingMigration() async throws {
        try await WebTest.withPortal { portal in
            // given a migration the database has not applied (as when an older schema is shared with a newer build)
            try await portal.database.transaction { db in
                try await db.raw("DELETE FROM schema_migrations WHERE version = \(bind: Migrator.all.count)").run()
            }

            // when
            let live = try await portal.client.execute(uri: "/health/live", method: .get)
            let ready = try await portal.client.execute(uri: "/health/ready", method: .get)

            // then
            #expect(live.status == .ok)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.text.contains(#""pendingMigrations":1"#))
        }
    }
}

/// Issue 15.5: production logs as JSON lines.
@Suite("JSON logs")
struct JSONLogTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Data] = []
        func append(_ line: Data) { lock.withLock { stored.append(line) } }
        var all: [Data] { lock.withLock { stored } }
    }

    @Test("each event is one JSON object on one line, with time, level, logger, message and the metadata")
    func oneObjectPerLine() throws {
        // given
        let lines = Lines()
        var logger = Logger(label: "selfcare") { JSONLogHandler(label: $0, write: lines.append) }
        logger[metadataKey: "hb.request.id"] = "req-42"

        // when
        logger.info("payment settled\nsecond line", metadata: ["payment": "pay_1"])

        // then
        let line = try #require(lines.all.first)
        #expect(line.last == 0x0A && line.dropLast().firstIndex(of: 0x0A) == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: String])
        #expect(object["level"] == "info" && object["logger"] == "selfcare")
        #expect(object["message"] == "payment settled\nsecond line")
        #expect(object["hb.request.id"] == "req-42" && object["payment"] == "pay_1")
        #expect(object["time"]?.hasSuffix("Z") == true)
    }
}

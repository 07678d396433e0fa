import Foundation
import SelfCareCore
import SelfCareServices
import SelfCareTestSupport
import SQLKit
import Testing
@testable import SelfCareStore

/// The durable outbox: claiming due messages under a lease (shared by several instances), hand-over and SMSC
/// delivery receipts, retries, the user's notification log and the monitoring figures.
@Suite("Outbox repository")
struct OutboxRepositoryTests {
    /// The moment most tests start from.
    static let t0 = Instant.mauritius(2026, 10, 5, 9)
    static let lease: Int64 = 300

    static func at(_ seconds: Int) -> Date {
        t0.addingTimeInterval(TimeInterval(seconds))
    }

    static func sms(
        _ body: String, to recipient: String = "+23057000001", purpose: String = "billReady", priority: Int64 = 5,
        userID: Int64? = nil, accountRowID: Int64? = nil, clientRowID: Int64? = nil
    ) -> NewOutboxMessage {
        NewOutboxMessage(
            channel: .sms, recipient: recipient, body: body, language: .english, purpose: purpose,
            userID: userID, accountRowID: accountRowID, clientRowID: clientRowID, priority: priority)
    }

    static func email(_ body: String, to recipient: String = "aline@example.mu", purpose: String = "receipt", userID: Int64? = nil) -> NewOutboxMessage {
        NewOutboxMessage(
            channel: .email, recipient: recipient, subject: "Subject", body: body, language: .english, purpose: purpose, userID: userID)
    }

    /// Queues `messages` at `now`; returns their row ids in id order.
    @discardableResult
    static func enqueue(_ test: TestDatabase, _ messages: [NewOutboxMessage], at now: Date) async throws -> [Int64] {
        try await test.database.transaction { db in
            let before = try await db.raw("SELECT COALESCE(MAX(id), 0) AS m FROM outbox_messages").first()!
                .decode(column: "m", as: Int64.self)
            try await OutboxRepository().enqueue(messages, now: now, on: db)
            return try await db.raw("SELECT id FROM outbox_messages WHERE id > \(bind: before) ORDER BY id").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
        }
    }

    /// Queues one message at `now`; returns its row id.
    static func enqueue(_ test: TestDatabase, _ message: NewOutboxMessage, at now: Date) async throws -> Int64 {
        let ids = try await enqueue(test, [message], at: now)
        return try #require(ids.count == 1 ? ids[0] : nil)
    }

    /// One worker's claim, in its own transaction as the worker makes it.
    static func claim(_ database: Database, limit: Int = 50, at now: Date, lease: Int64 = lease) async throws -> [OutboxMessage] {
        try await database.transaction { db in
            try await OutboxRepository().claimDue(limit: limit, now: now, lease: lease, on: db)
        }
    }

    static func markSent(_ test: TestDatabase, _ id: Int64, parts: [String] = [], at now: Date) async throws {
        try await test.database.transaction { db in
            try await OutboxRepository().markSent(id: id, providerMessageID: parts.first, parts: parts, now: now, on: db)
        }
    }

    static func markFailed(_ test: TestDatabase, _ id: Int64, error: String, retryAt: Date?) async throws {
        try await test.database.transaction { db in
            try await OutboxRepository().markFailed(id: id, error: error, retryAt: retryAt, on: db)
        }
    }

    static func receipt(_ test: TestDatabase, _ part: String, _ state: String, errorCode: String? = nil, at now: Date) async throws {
        try await test.database.transaction { db in
            try await OutboxRepository().recordReceipt(providerMessageID: part, state: state, errorCode: errorCode, now: now, on: db)
        }
    }

    /// A message queued at `t0` and claimed by a worker at `t0`.
    static func claimedSMS(_ test: TestDatabase, _ body: String) async throws -> Int64 {
        let id = try await enqueue(test, sms(body), at: t0)
        let claimed = try await claim(test.database, at: t0)
        #expect(claimed.map(\.id) == [id])
        return id
    }

    /// The columns of a stored message the outbox's bookkeeping writes.
    struct State: Sendable, Equatable {
        var status: String
        var attempts: Int64
        var nextAttemptAt: Int64
        var claimedUntil: Int64?
        var lastError: String?
        var sentAt: Int64?
        var deliveredAt: Int64?
    }

    static func state(_ test: TestDatabase, _ id: Int64) async throws -> State {
        try await test.database.read { db in
            let row = try await db.raw("""
                SELECT status, attempts, next_attempt_at, claimed_until, last_error, sent_at, delivered_at
                FROM outbox_messages WHERE id = \(bind: id)
                """).first()!
            return State(
                status: try row.value("status"), attempts: try row.value("attempts"), nextAttemptAt: try row.value("next_attempt_at"),
                claimedUntil: try row.optional("claimed_until"), lastError: try row.optional("last_error"),
                sentAt: try row.optional("sent_at"), deliveredAt: try row.optional("delivered_at"))
        }
    }

    /// The SMSC ids stored as `id`'s parts, in part order.
    static func parts(_ test: TestDatabase, _ id: Int64) async throws -> [String] {
        try await test.database.read { db in
            try await db.raw("""
                SELECT provider_message_id FROM outbox_message_parts WHERE outbox_message_id = \(bind: id) ORDER BY part_number
                """).all().map { try $0.value("provider_message_id", as: String.self) }
        }
    }

    /// A stored receipt: its state, error code and when it was first received.
    static func storedReceipt(_ test: TestDatabase, _ part: String) async throws -> (state: String, errorCode: String?, receivedAt: Int64)? {
        try await test.database.read { db in
            try await db.raw("""
                SELECT state, error_code, received_at FROM delivery_receipts WHERE provider_message_id = \(bind: part)
                """).first().map { row in
                (try row.value("state"), try row.optional("error_code"), try row.value("received_at"))
            }
        }
    }

    // MARK: - Claiming

    @Test("due messages are claimed codes first, then by due time, then in queueing order", arguments: TestDatabase.engines)
    func claimOrder(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given: queued in an order that differs from both the id order and the due-time order
            let first = try await Self.enqueue(test, Self.sms("bill 1"), at: Self.t0)
            let second = try await Self.enqueue(test, Self.sms("bill 2"), at: Self.t0)
            let early = try await Self.enqueue(test, Self.sms("bill due earlier"), at: Self.at(-60))
            let code = try await Self.enqueue(test, Self.sms("code", purpose: "activation", priority: 0), at: Self.at(60))
            let later = try await Self.enqueue(test, Self.sms("bill due later"), at: Self.at(3600))
            let now = Self.at(120)

            // when
            let firstBatch = try await Self.claim(test.database, limit: 2, at: now)
            let secondBatch = try await Self.claim(test.database, limit: 10, at: now)

            // then
            #expect(firstBatch.map(\.id) == [code, early], "the limit keeps the first in priority and due order")
            #expect(secondBatch.map(\.id) == [first, second])
            for message in firstBatch + secondBatch {
                #expect(message.status == "sending")
                #expect(message.attempts == 1, "the returned attempts count this try")
                let stored = try await Self.state(test, message.id)
                #expect(stored.status == "sending")
                #expect(stored.attempts == 1)
                #expect(stored.claimedUntil == now.storedSeconds + Self.lease)
            }
            #expect(try await Self.state(test, later) == Self.State(
                status: "queued", attempts: 0, nextAttemptAt: Self.at(3600).storedSeconds))
        }
    }

    @Test("a claimed message is claimed again only once its lease runs out", arguments: TestDatabase.engines)
    func leaseRunsOut(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given two messages claimed by a worker that then dies
            let ids = try await Self.enqueue(test, [Self.sms("one"), Self.sms("two")], at: Self.t0)
            let claimed = try await Self.claim(test.database, at: Self.t0)
            #expect(claimed.map(\.id) == ids)

            // when
            let again = try await Self.claim(test.database, at: Self.t0)
            let atLeaseEnd = try await Self.claim(test.database, at: Self.at(Int(Self.lease)))
            let afterLease = try await Self.claim(test.database, at: Self.at(Int(Self.lease) + 1))

            // then
            #expect(again.isEmpty)
            #expect(atLeaseEnd.isEmpty, "the lease still holds at its last second")
            #expect(afterLease.map(\.id) == ids)
            #expect(afterLease.map(\.attempts) == [2, 2])
            for id in ids {
                let stored = try await Self.state(test, id)
                #expect(stored.attempts == 2)
                #expect(stored.claimedUntil == Self.at(Int(Self.lease) + 1).storedSeconds + Self.lease)
            }
        }
    }

    @Test("a message due later is claimed only once it is due", arguments: TestDatabase.engines)
    func notDueYet(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let id = try await Self.enqueue(test, Self.sms("later"), at: Self.at(600))

            // when
            let early = try await Self.claim(test.database, at: Self.at(599))
            let due = try await Self.claim(test.database, at: Self.at(600))

            // then
            #expect(early.isEmpty)
            #expect(due.map(\.id) == [id])
        }
    }

    @Test("instances sharing one outbox claim every message exactly once", arguments: TestDatabase.engines)
    func sharedOutbox(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given 200 due messages and a second instance on the same store
            let ids = try await Self.enqueue(test, (1...200).map { Self.sms("message \($0)") }, at: Self.t0)
            #expect(ids.count == 200)
            let other = try await Database.open(test.url, logger: TestDatabase.logger)
            let claimed: [Int64]
            do {
                // when two workers on each instance claim small batches side by side until nothing is left
                claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                    for database in [test.database, other, test.database, other] {
                        group.addTask {
                            var mine: [Int64] = []
                            while true {
                                let batch = try await Self.claim(database, limit: 7, at: Self.at(1))
                                if batch.isEmpty { return mine }
                                #expect(batch.count <= 7)
                                mine += batch.map(\.id)
                            }
                        }
                    }
                    var all: [Int64] = []
                    for try await mine in group { all += mine }
                    return all
                }
            } catch {
                await other.close()
                throw error
            }
            await other.close()

            // then
            #expect(claimed.count == 200)
            #expect(Set(claimed).count == claimed.count, "no message was claimed twice")
            #expect(Set(claimed) == Set(ids), "no message was left behind")
            #expect(try await test.count("outbox_messages", where: "status = 'sending' AND attempts = 1") == 200)
            #expect(try await Self.claim(test.database, at: Self.at(1)).isEmpty)
        }
    }

    // MARK: - Hand-over and delivery receipts

    @Test("an SMS is delivered once a receipt arrived for each of its parts", arguments: TestDatabase.engines)
    func deliveredByReceipts(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a two-part SMS handed to the SMSC
            let id = try await Self.claimedSMS(test, "long message")
            try await Self.markSent(test, id, parts: ["p-1", "p-2"], at: Self.at(5))
            #expect(try await Self.parts(test, id) == ["p-1", "p-2"])
            #expect(try await Self.state(test, id) == Self.State(
                status: "sent", attempts: 1, nextAttemptAt: Self.t0.storedSeconds, sentAt: Self.at(5).storedSeconds))

            // when the first part's receipt arrives
            try await Self.receipt(test, "p-1", "DELIVRD", at: Self.at(20))

            // then it is not delivered yet
            #expect(try await Self.state(test, id).status == "sent")

            // when the second part's receipt arrives
            try await Self.receipt(test, "p-2", "DELIVRD", at: Self.at(25))

            // then
            let stored = try await Self.state(test, id)
            #expect(stored.status == "delivered")
            #expect(stored.deliveredAt == Self.at(25).storedSeconds, "delivered when the last part arrived")
            #expect(stored.sentAt == Self.at(5).storedSeconds)
        }
    }

    @Test("receipts that overtake the submit response count once the parts are stored", arguments: TestDatabase.engines)
    func receiptOvertakesSubmitResponse(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given both parts' receipts arrive before the worker records the hand-over
            let id = try await Self.claimedSMS(test, "long message")
            try await Self.receipt(test, "q-1", "DELIVRD", at: Self.at(2))
            try await Self.receipt(test, "q-2", "DELIVRD", at: Self.at(3))
            #expect(try await Self.state(test, id).status == "sending")
            #expect(try await test.count("delivery_receipts") == 2)

            // when
            try await Self.markSent(test, id, parts: ["q-1", "q-2"], at: Self.at(4))

            // then
            let stored = try await Self.state(test, id)
            #expect(stored.status == "delivered")
            #expect(stored.deliveredAt == Self.at(3).storedSeconds)
            #expect(stored.sentAt == Self.at(4).storedSeconds)
        }
    }

    @Test("a repeated receipt changes nothing, nor does a contradicting one after a final state", arguments: TestDatabase.engines)
    func repeatedReceipt(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a delivered two-part SMS
            let id = try await Self.claimedSMS(test, "long message")
            try await Self.markSent(test, id, parts: ["p-1", "p-2"], at: Self.at(5))
            try await Self.receipt(test, "p-1", "DELIVRD", at: Self.at(20))
            try await Self.receipt(test, "p-2", "DELIVRD", at: Self.at(25))
            let delivered = try await Self.state(test, id)
            #expect(delivered.status == "delivered")

            // when the SMSC repeats a receipt, and then sends a contradicting one
            try await Self.receipt(test, "p-2", "DELIVRD", at: Self.at(40))
            try await Self.receipt(test, "p-1", "UNDELIV", errorCode: "001", at: Self.at(50))

            // then
            #expect(try await Self.state(test, id) == delivered)
            #expect(try await test.count("delivery_receipts") == 2)
            let second = try #require(try await Self.storedReceipt(test, "p-2"))
            #expect(second.state == "DELIVRD")
            #expect(second.receivedAt == Self.at(25).storedSeconds)
            let first = try #require(try await Self.storedReceipt(test, "p-1"))
            #expect(first.state == "DELIVRD")
            #expect(first.errorCode == nil)
        }
    }

    @Test("an undelivered part fails the message", arguments: TestDatabase.engines)
    func undeliveredPartFails(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a two-part SMS whose first part arrived
            let id = try await Self.claimedSMS(test, "long message")
            try await Self.markSent(test, id, parts: ["u-1", "u-2"], at: Self.at(5))
            try await Self.receipt(test, "u-1", "DELIVRD", at: Self.at(20))

            // when
            try await Self.receipt(test, "u-2", "UNDELIV", errorCode: "001", at: Self.at(30))

            // then
            let stored = try await Self.state(test, id)
            #expect(stored.status == "failed")
            #expect(stored.deliveredAt == nil)
            #expect(stored.lastError?.isEmpty == false)
            #expect(try await Self.storedReceipt(test, "u-2")?.errorCode == "001")
            #expect(try await Self.claim(test.database, at: Self.at(86_400)).isEmpty, "a failed message is not sent again")
        }
    }

    @Test("a later try's hand-over replaces the parts of the earlier one", arguments: TestDatabase.engines)
    func retryReplacesParts(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a worker whose lease ran out while it was sending, and a second worker that sent the message again
            let id = try await Self.claimedSMS(test, "long message")
            let reclaimed = try await Self.claim(test.database, at: Self.at(Int(Self.lease) + 1))
            #expect(reclaimed.map(\.id) == [id])
            try await Self.markSent(test, id, parts: ["a-1", "a-2"], at: Self.at(302))

            // when the later try is recorded
            try await Self.markSent(test, id, parts: ["b-1", "b-2"], at: Self.at(303))

            // then only its parts are the message's: the earlier try's receipts change nothing
            #expect(try await Self.parts(test, id) == ["b-1", "b-2"])
            try await Self.receipt(test, "a-1", "DELIVRD", at: Self.at(310))
            try await Self.receipt(test, "a-2", "UNDELIV", at: Self.at(311))
            #expect(try await Self.state(test, id).status == "sent")
            try await Self.receipt(test, "b-1", "DELIVRD", at: Self.at(320))
            try await Self.receipt(test, "b-2", "DELIVRD", at: Self.at(321))
            let stored = try await Self.state(test, id)
            #expect(stored.status == "delivered")
            #expect(stored.deliveredAt == Self.at(321).storedSeconds)
            #expect(stored.sentAt == Self.at(303).storedSeconds)
            #expect(stored.attempts == 2)
        }
    }

    // MARK: - Failed tries

    @Test("a failed try with a retry time goes back to the queue until then", arguments: TestDatabase.engines)
    func failedTryIsRetried(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let id = try await Self.claimedSMS(test, "code")

            // when
            try await Self.markFailed(test, id, error: "SMSC throttled", retryAt: Self.at(64))

            // then
            #expect(try await Self.state(test, id) == Self.State(
                status: "queued", attempts: 1, nextAttemptAt: Self.at(64).storedSeconds, claimedUntil: nil, lastError: "SMSC throttled"))
            #expect(try await Self.claim(test.database, at: Self.at(63)).isEmpty)
            let retried = try await Self.claim(test.database, at: Self.at(64))
            #expect(retried.map(\.id) == [id])
            #expect(retried.first?.attempts == 2)
        }
    }

    @Test("a failed try without a retry time fails the message for good", arguments: TestDatabase.engines)
    func failedForGood(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let id = try await Self.claimedSMS(test, "code")
            let longError = String(repeating: "x", count: 600)

            // when
            try await Self.markFailed(test, id, error: longError, retryAt: nil)

            // then
            let stored = try await Self.state(test, id)
            #expect(stored.status == "failed")
            #expect(stored.claimedUntil == nil)
            #expect(stored.lastError == String(repeating: "x", count: 500))
            #expect(try await Self.claim(test.database, at: Self.at(30 * 86_400)).isEmpty)
        }
    }

    // MARK: - Notification log

    /// Aline logs in with her account (+23057000001), BIZ with its Client ID, and Other with his account (+23057000004).
    struct People: Sendable {
        var aline: Int64
        var alineAccount: Int64
        var alineClient: Int64
        var biz: Int64
        var bizClient: Int64
        var bizAccount: Int64
        var other: Int64
        var otherAccount: Int64
        var otherClient: Int64
    }

    static func givenPeople(_ test: TestDatabase) async throws -> People {
        try await test.importPlans()
        try await test.importCustomers([
            StoreFixture.customer("IND", "+23057000001"),
            StoreFixture.customer("BIZ", "+23057000002", kind: "company"),
            StoreFixture.customer("BIZ", "+23057000003", kind: "company"),
            StoreFixture.customer("OTH", "+23057000004"),
        ])
        return try await test.database.transaction { db in
            let customers = CustomerRepository()
            let users = UserRepository()
            let aline = try #require(try await customers.account(msisdn: try MSISDN("+23057000001"), on: db))
            let bizAccount = try #require(try await customers.account(msisdn: try MSISDN("+23057000002"), on: db))
            let other = try #require(try await customers.account(msisdn: try MSISDN("+23057000004"), on: db))
            let bizClient = try #require(try await customers.client(reference: "BIZ", on: db))
            func login(_ scope: LoginScope, _ name: String) async throws -> Int64 {
                try await users.insert(
                    scope: scope, fullName: name, email: "\(name.lowercased())@example.mu", language: .english,
                    passwordHash: "hash", now: StoreFixture.importedAt, on: db)
            }
            return People(
                aline: try await login(.account(rowID: aline.id), "Aline"), alineAccount: aline.id, alineClient: aline.clientRowID,
                biz: try await login(.client(rowID: bizClient.id), "Biz"), bizClient: bizClient.id, bizAccount: bizAccount.id,
                other: try await login(.account(rowID: other.id), "Other"), otherAccount: other.id, otherClient: other.clientRowID)
        }
    }

    /// Messages queued a second apart (two in the same second), for and around Aline; returns the bodies she should see,
    /// newest first.
    static func givenMessages(_ test: TestDatabase, _ people: People) async throws -> [String] {
        let aline = "+23057000001"
        let queued: [(Int, NewOutboxMessage)] = [
            (1, sms("activation code", to: aline, purpose: "activation", priority: 0)),
            (2, sms("welcome", to: aline, purpose: "registrationConfirmed", userID: people.aline)),
            (3, sms("bill ready", to: aline, accountRowID: people.alineAccount, clientRowID: people.alineClient)),
            (3, email("payment receipt", userID: people.aline)),
            (4, sms("reset code", to: aline, purpose: "passwordReset", priority: 0)),
            (5, sms("someone tried to register", to: aline, purpose: "registrationAttempt")),
            (6, sms("other's bill sent to Aline's number", to: aline, accountRowID: people.otherAccount, clientRowID: people.otherClient)),
            (7, sms("other's receipt", to: "+23057000004", purpose: "receipt", userID: people.other)),
            (8, sms("other's code", to: "+23057000004", purpose: "activation", priority: 0)),
            (9, sms("biz bill", to: "+23057000002", accountRowID: people.bizAccount, clientRowID: people.bizClient)),
            (10, sms("password changed, to the number by someone else", to: aline, purpose: "passwordChanged", userID: people.other)),
        ]
        for (second, message) in queued {
            _ = try await enqueue(test, message, at: at(second))
        }
        // A code to the number two days before Aline's login was made: a former holder's.
        _ = try await enqueue(test, sms("former holder's code", to: aline, purpose: "activation", priority: 0),
                              at: StoreFixture.importedAt.addingTimeInterval(-2 * 86_400))
        return ["someone tried to register", "reset code", "payment receipt", "bill ready", "welcome", "activation code"]
    }

    static func notifications(
        _ test: TestDatabase, user: Int64, account: Int64?, client: Int64?, number: String?, limit: Int = 50, offset: Int = 0
    ) async throws -> [OutboxMessage] {
        try await test.database.read { db in
            try await OutboxRepository().notifications(
                userID: user, accountRowID: account, clientRowID: client, numberOnFile: number, limit: limit, offset: offset, on: db)
        }
    }

    @Test("the notification log holds the user's messages, their account's and the codes sent to their number, newest first",
          arguments: TestDatabase.engines)
    func notificationLog(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let people = try await Self.givenPeople(test)
            let expected = try await Self.givenMessages(test, people)

            // when
            let alines = try await Self.notifications(
                test, user: people.aline, account: people.alineAccount, client: nil, number: "+23057000001")
            let bizs = try await Self.notifications(test, user: people.biz, account: nil, client: people.bizClient, number: nil)

            // then
            #expect(alines.map(\.message.body) == expected)
            #expect(bizs.map(\.message.body) == ["biz bill"])
            #expect(alines.first?.createdAt == Self.at(5))
        }
    }

    @Test("the notification log pages with limit and offset", arguments: TestDatabase.engines)
    func notificationLogPages(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            let people = try await Self.givenPeople(test)
            let expected = try await Self.givenMessages(test, people)
            func page(_ offset: Int) async throws -> [String] {
                try await Self.notifications(
                    test, user: people.aline, account: people.alineAccount, client: nil, number: "+23057000001", limit: 4, offset: offset
                ).map(\.message.body)
            }

            // when
            let first = try await page(0)
            let second = try await page(4)
            let beyond = try await page(8)

            // then
            #expect(first == Array(expected[0..<4]))
            #expect(second == Array(expected[4...]))
            #expect(beyond.isEmpty)
        }
    }

    // MARK: - Statistics

    @Test("statistics count messages by channel and status and time the recent hand-overs", arguments: TestDatabase.engines)
    func statistics(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given one SMS sent before the window, three hand-overs in it (30 s, 45 s then delivered, 90 s),
            // one message being sent, one failed for good and one still queued
            let old = try await Self.enqueue(test, Self.sms("old"), at: Self.at(-1000))
            _ = try await Self.claim(test.database, at: Self.at(-1000))
            try await Self.markSent(test, old, at: Self.at(-900))
            let ids = try await Self.enqueue(
                test, [Self.sms("quick"), Self.sms("delivered"), Self.email("mail"), Self.sms("in flight"), Self.email("bounced")], at: Self.t0)
            #expect(try await Self.claim(test.database, at: Self.t0).count == 5)
            try await Self.markSent(test, ids[0], at: Self.at(30))
            try await Self.markSent(test, ids[1], parts: ["d-1"], at: Self.at(45))
            try await Self.receipt(test, "d-1", "DELIVRD", at: Self.at(50))
            try await Self.markSent(test, ids[2], at: Self.at(90))
            try await Self.markFailed(test, ids[4], error: "mailbox unknown", retryAt: nil)
            _ = try await Self.enqueue(test, Self.sms("waiting"), at: Self.at(100))

            // when
            let statistics = try await test.database.read { db in try await OutboxRepository().statistics(since: Self.t0, on: db) }

            // then
            #expect(statistics.counts == [
                "sms.sent": 2, "sms.delivered": 1, "sms.sending": 1, "sms.queued": 1, "email.sent": 1, "email.failed": 1,
            ])
            #expect(statistics.sentRecently == 3)
            #expect(statistics.latencyTotalSeconds == 30 + 45 + 90)
            #expect(statistics.latencyLongestSeconds == 90)
        }
    }

    @Test("statistics of an empty outbox are all zero", arguments: TestDatabase.engines)
    func statisticsEmpty(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given an empty outbox

            // when
            let statistics = try await test.database.read { db in try await OutboxRepository().statistics(since: Self.t0, on: db) }

            // then
            #expect(statistics == OutboxStatistics())
        }
    }

    @Test("the text of code SMS sent within the window is removed once; queued codes and other messages keep theirs",
          arguments: TestDatabase.engines)
    func spentCodes(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a sent activation code, a sent reset code, a queued code and a sent bill notice, all at t0
            let sentCode = try await Self.claimedSMS(test, "Your activation code is 123456")
            let ids = try await Self.enqueue(test, [
                Self.sms("Your reset code is 654321", purpose: "passwordReset"),
                Self.sms("Your code is 111111", purpose: "activation"),
                Self.sms("Your bill is ready", purpose: "billReady"),
            ], at: Self.t0)
            try await test.database.transaction { db in
                try await db.raw("UPDATE outbox_messages SET purpose = 'activation' WHERE id = \(bind: sentCode)").run()
                try await db.raw("UPDATE outbox_messages SET status = 'sent' WHERE id IN (\(bind: ids[0]), \(bind: ids[2]))").run()
            }
            try await Self.markSent(test, sentCode, at: Self.t0)

            // when
            let outsideWindow = try await test.database.transaction { db in
                try await OutboxRepository().removeSpentCodes(queuedSince: Self.at(1), before: Self.at(3600), on: db)
            }
            let removed = try await test.database.transaction { db in
                try await OutboxRepository().removeSpentCodes(queuedSince: Self.at(-86_400), before: Self.at(3600), on: db)
            }
            let again = try await test.database.transaction { db in
                try await OutboxRepository().removeSpentCodes(queuedSince: Self.at(-86_400), before: Self.at(3600), on: db)
            }

            // then
            #expect(outsideWindow == 0)
            #expect(removed == 2)
            #expect(again == 0)
            let bodies = try await test.database.read { db in
                try await db.raw("SELECT body FROM outbox_messages ORDER BY id").all().map { try $0.decode(column: "body", as: String.self) }
            }
            #expect(bodies == [OutboxRepository.removedCodeText, OutboxRepository.removedCodeText, "Your code is 111111", "Your bill is ready"])
        }
    }

    @Test("settling from stored receipts moves a sent SMS whose receipts were stored beside its hand-over", arguments: TestDatabase.engines)
    func settleFromReceipts(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a sent SMS with two parts whose receipts were stored without reaching it (two instances at once)
            let id = try await Self.claimedSMS(test, "Long message")
            try await Self.markSent(test, id, parts: ["s-1", "s-2"], at: Self.at(1))
            try await test.database.transaction { db in
                try await db.raw("""
                    INSERT INTO delivery_receipts (provider_message_id, state, received_at)
                    VALUES ('s-1', 'DELIVRD', \(bind: Self.at(2).storedSeconds)), ('s-2', 'DELIVRD', \(bind: Self.at(3).storedSeconds))
                    """).run()
            }
            let before = try await Self.state(test, id)

            // when
            let outside = try await test.database.transaction { db in
                try await OutboxRepository().settleDeliveryStates(sentSince: Self.at(60), on: db)
            }
            let settled = try await test.database.transaction { db in
                try await OutboxRepository().settleDeliveryStates(sentSince: Self.at(0), on: db)
            }
            let again = try await test.database.transaction { db in
                try await OutboxRepository().settleDeliveryStates(sentSince: Self.at(0), on: db)
            }

            // then
            #expect(before.status == "sent")
            #expect(outside == 0)
            #expect(settled == 1)
            #expect(again == 0)
            #expect(try await Self.state(test, id).status == "delivered")
        }
    }

    @Test("a claim keeps its messages while it renews its lease, and gives back those it will not send", arguments: TestDatabase.engines)
    func renewAndRelease(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given three messages claimed under one token
            let ids = try await Self.enqueue(test, [Self.sms("one"), Self.sms("two"), Self.sms("three")], at: Self.t0)
            _ = try await test.database.transaction { db in
                try await OutboxRepository().claimDue(limit: 10, now: Self.t0, lease: Self.lease, token: "mine", on: db)
            }

            // when the lease is renewed near its end, two are given back, and another token tries to give back the third
            try await test.database.transaction { db in
                let outbox = OutboxRepository()
                try await outbox.extendClaim(token: "mine", until: Self.at(500), on: db)
                try await outbox.releaseClaim(ids: [ids[1], ids[2]], token: "mine", on: db)
                try await outbox.releaseClaim(ids: [ids[0]], token: "theirs", on: db)
            }
            let reclaimed = try await Self.claim(test.database, at: Self.at(Int(Self.lease) + 1))

            // then the first is still held (renewed), the other two were queued again with their try not counted
            let first = try await Self.state(test, ids[0])
            #expect(first.status == "sending")
            #expect(first.claimedUntil == Self.at(500).storedSeconds)
            #expect(reclaimed.map(\.id) == [ids[1], ids[2]])
            #expect(reclaimed.allSatisfy { $0.attempts == 1 })
        }
    }
}

import Foundation
import SelfCareCore
import SelfCareServices
import SelfCareStore
import Testing
@testable import SelfCareMessaging

/// The outbox worker delivering through the real SMPP and SMTP clients to real peers: retries, receipts, outages,
/// restarts — every message exactly once.
@Suite("Outbox delivery to an SMSC and a mail relay", .enabled(if: InteropPeers.smscRunning && InteropPeers.relaysRunning))
struct OutboxDeliveryInteropTests {
    static func sms(_ body: String, to number: String) -> NewOutboxMessage {
        NewOutboxMessage(channel: .sms, recipient: number, body: body, language: .french, purpose: "test")
    }

    static func email(_ subject: String, to address: String) -> NewOutboxMessage {
        NewOutboxMessage(channel: .email, recipient: address, subject: subject, body: "Bonjour,\n\n\(subject).\n\nMerci.",
                         language: .french, purpose: "test")
    }

    /// Runs the worker until nothing is queued or `passes` runs are done, moving the clock past every back-off.
    static func drain(_ worker: OutboxWorker, clock: TestClock, passes: Int = 12) async throws {
        for _ in 0..<passes {
            try await worker.runOnce()
            clock.advance(by: 3600)
        }
    }

    @Test("with 30 % of submissions throttled and the link dropped once, every SMS reaches the SMSC exactly once")
    func throttledAndDropped() async throws {
        try await ScratchOutbox.with { outbox in
            // given 40 SMS, one of them long, and an SMSC that throttles 30 % and drops the link at the 7th submission
            let database = try await outbox.open()
            let clock = TestClock()
            let numbers = (0..<40).map { _ in InteropPeers.freshNumber() }
            let texts = numbers.indices.map { $0 == 5 ? String(repeating: "Facture prête, à régler. ", count: 12) : "Message n°\($0) : déjà réglé ?" }
            try await database.enqueue(zip(texts, numbers).map { Self.sms($0, to: $1) }, at: clock.now())
            let client = InteropPeers.smppClient(systemID: InteropPeers.systemID("t30d7"))
            let worker = OutboxWorker(
                database: database, sender: ChannelRouter(sms: client, email: InteropPeers.smtpClient()), clock: clock,
                logger: InteropPeers.logger)

            // when
            try await Self.drain(worker, clock: clock)
            await client.shutdown()

            // then
            let statuses = try await database.outboxStatuses()
            #expect(statuses.values.allSatisfy { $0 == "sent" })
            for (text, number) in zip(texts, numbers) {
                #expect(try InteropPeers.smsc(to: number).map(\.text) == [text])
            }
            await database.close()
        }
    }

    @Test("delivery receipts on the transceiver link mark each SMS delivered, or failed when the handset was unreachable")
    func receipts() async throws {
        try await ScratchOutbox.with { outbox in
            // given
            let database = try await outbox.open()
            let clock = TestClock()
            let recorder = OutboxReceiptRecorder(database: database, clock: clock)
            let delivered = InteropPeers.smppClient(systemID: InteropPeers.systemID("r"), receipts: recorder)
            let undelivered = InteropPeers.smppClient(systemID: InteropPeers.systemID("ru"), receipts: recorder)
            let (first, second) = (InteropPeers.freshNumber(), InteropPeers.freshNumber())
            try await database.enqueue([Self.sms(String(repeating: "Votre code arrive. ", count: 10), to: first)], at: clock.now())

            // when
            try await OutboxWorker(database: database, sender: ChannelRouter(sms: delivered, email: InteropPeers.smtpClient()),
                                   clock: clock, logger: InteropPeers.logger).runOnce()
            try await database.enqueue([Self.sms("Bonjour", to: second)], at: clock.now())
            try await OutboxWorker(database: database, sender: ChannelRouter(sms: undelivered, email: InteropPeers.smtpClient()),
                                   clock: clock, logger: InteropPeers.logger).runOnce()

            // then (the receipts come on the link after the submissions, so they are awaited)
            let statuses = try await Self.waitForFinalStatuses(database, count: 2)
            let messages = try await database.read { db in try await OutboxRepository().recent(limit: 10, on: db) }
            #expect(statuses[messages.first { $0.message.recipient == first }!.message.messageID] == "delivered")
            #expect(statuses[messages.first { $0.message.recipient == second }!.message.messageID] == "failed")
            #expect(messages.first { $0.message.recipient == first }?.deliveredAt != nil)
            await delivered.shutdown()
            await undelivered.shutdown()
            await database.close()
        }
    }

    @Test("with the relay down for a while, the e-mails wait in the outbox and go out once it is back")
    func relayDown() async throws {
        try await ScratchOutbox.with { outbox in
            // given five e-mails, a relay that is unreachable, then one that answers 421 to the first three tries
            let database = try await outbox.open()
            let clock = TestClock()
            let suffix = UUID().uuidString.prefix(8).lowercased()
            let addresses = (0..<5).map { "down3-\(suffix)-\($0)@example.mu" }
            try await database.enqueue(addresses.map { Self.email("Votre reçu de décembre", to: $0) }, at: clock.now())
            let unreachable = OutboxWorker(
                database: database, sender: ChannelRouter(sms: InteropPeers.smppClient(systemID: "x"), email: InteropPeers.smtpClient(port: 9)),
                clock: clock, logger: InteropPeers.logger)

            // when the relay is unreachable
            try await unreachable.runOnce()
            let whileDown = try await database.outboxStatuses()
            clock.advance(by: 3600)
            // and then answers "service not available" three times before accepting
            let worker = OutboxWorker(
                database: database, sender: ChannelRouter(sms: InteropPeers.smppClient(systemID: "x"), email: InteropPeers.smtpClient()),
                clock: clock, logger: InteropPeers.logger)
            try await Self.drain(worker, clock: clock, passes: 6)

            // then
            #expect(whileDown.values.allSatisfy { $0 == "queued" })
            #expect(try await database.outboxStatuses().values.allSatisfy { $0 == "sent" })
            for address in addresses {
                let mail = try InteropPeers.mail(to: address, maildir: InteropPeers.relayMaildir)
                #expect(mail.map(\.subject) == ["Votre reçu de décembre"])
            }
            await database.close()
        }
    }

    @Test("a recipient the relay refuses for good (5xx) is marked failed at once, without retries")
    func rejected() async throws {
        try await ScratchOutbox.with { outbox in
            // given
            let database = try await outbox.open()
            let clock = TestClock()
            try await database.enqueue([Self.email("Bonjour", to: "reject-\(UUID().uuidString.prefix(8))@example.mu")], at: clock.now())
            let worker = OutboxWorker(
                database: database, sender: ChannelRouter(sms: InteropPeers.smppClient(systemID: "x"), email: InteropPeers.smtpClient()),
                clock: clock, logger: InteropPeers.logger)

            // when
            try await Self.drain(worker, clock: clock, passes: 3)

            // then
            let message = try await database.read { db in try await OutboxRepository().recent(limit: 1, on: db) }.first
            #expect(message?.status == "failed")
            #expect(message?.attempts == 1)
            await database.close()
        }
    }

    @Test("nothing is lost or sent twice across a restart: messages a stopped portal had claimed are sent by the next one")
    func restart() async throws {
        try await ScratchOutbox.with { outbox in
            // given a portal that queued SMS and e-mails, claimed some and stopped before sending them
            let clock = TestClock()
            let numbers = (0..<6).map { _ in InteropPeers.freshNumber() }
            let suffix = UUID().uuidString.prefix(8).lowercased()
            let addresses = (0..<4).map { "restart-\(suffix)-\($0)@example.mu" }
            var database = try await outbox.open()
            try await database.enqueue(numbers.map { Self.sms("Votre facture est prête", to: $0) } + addresses.map {
                Self.email("Votre facture est prête", to: $0)
            }, at: clock.now())
            let claimed = try await database.transaction { db in
                try await OutboxRepository().claimDue(limit: 5, now: clock.now(), lease: 300, on: db)
            }
            await database.close()

            // when the portal starts again on the same database, after the claims' lease ran out
            clock.advance(by: 301)
            database = try await outbox.open()
            let client = InteropPeers.smppClient(systemID: InteropPeers.systemID("x"))
            let worker = OutboxWorker(
                database: database, sender: ChannelRouter(sms: client, email: InteropPeers.smtpClient()), clock: clock,
                logger: InteropPeers.logger)
            try await Self.drain(worker, clock: clock, passes: 2)
            await client.shutdown()

            // then
            #expect(claimed.count == 5)
            #expect(try await database.outboxStatuses().values.allSatisfy { $0 == "sent" })
            for number in numbers { #expect(try InteropPeers.smsc(to: number).count == 1) }
            for address in addresses { #expect(try InteropPeers.mail(to: address, maildir: InteropPeers.relayMaildir).count == 1) }
            await database.close()
        }
    }

    @Test("two portal instances sharing one outbox hand every SMS and e-mail over exactly once")
    func twoInstances() async throws {
        try await SharedOutbox.with { url in
            // given 150 SMS and 30 e-mails queued, and two instances, each with its own database connection and SMSC link
            let first = try await Database.open(url, logger: InteropPeers.logger)
            try await Migrator(database: first).migrate()
            let second = try await Database.open(url, logger: InteropPeers.logger)
            let clock = TestClock()
            let numbers = (0..<150).map { _ in InteropPeers.freshNumber() }
            let suffix = UUID().uuidString.prefix(8).lowercased()
            let addresses = (0..<30).map { "shared-\(suffix)-\($0)@example.mu" }
            try await first.enqueue(numbers.map { Self.sms("Votre facture est prête : à régler", to: $0) }
                + addresses.map { Self.email("Votre reçu", to: $0) }, at: clock.now())
            let links = [InteropPeers.smppClient(systemID: InteropPeers.systemID("x")), InteropPeers.smppClient(systemID: InteropPeers.systemID("x"))]
            var workers = [first, second].enumerated().map { index, database in
                OutboxWorker(database: database, sender: ChannelRouter(sms: links[index], email: InteropPeers.smtpClient()), clock: clock,
                             logger: InteropPeers.logger)
            }
            for index in workers.indices { workers[index].batchSize = 7 }

            // when both drain the outbox at the same time
            let drained: Result<Int, any Error>
            do {
                drained = .success(try await withThrowingTaskGroup(of: Int.self) { group in
                    for worker in workers {
                        group.addTask {
                            var total = 0
                            while case let count = try await worker.runOnce(), count > 0 { total += count }
                            return total
                        }
                    }
                    return try await group.reduce(0, +)
                })
            } catch {
                drained = .failure(error)
            }
            for link in links { await link.shutdown() }
            let statuses = try? await first.outboxStatuses()
            await second.close()
            await first.close()
            let handled = try drained.get()

            // then
            #expect(handled == 180)
            #expect(statuses?.values.allSatisfy { $0 == "sent" } == true)
            for number in numbers { #expect(try InteropPeers.smsc(to: number).count == 1) }
            for address in addresses { #expect(try InteropPeers.mail(to: address, maildir: InteropPeers.relayMaildir).count == 1) }
        }
    }

    /// Waits (a bounded number of short polls) until `count` messages are delivered or failed.
    static func waitForFinalStatuses(_ database: Database, count: Int) async throws -> [String: String] {
        for _ in 0..<100 {
            let statuses = try await database.outboxStatuses()
            if statuses.values.filter({ ["delivered", "failed"].contains($0) }).count >= count { return statuses }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await database.outboxStatuses()
    }
}

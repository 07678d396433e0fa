import Foundation
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareMessaging

/// The SMPP client against a real SMSC (`Tests/Interop/smsc.py`, started by `scripts/test.sh`).
@Suite("SMPP client against an SMSC", .enabled(if: InteropPeers.smscRunning))
struct SMPPInteropTests {
    static func message(_ body: String, to number: String, id: String = UUID().uuidString.lowercased()) -> OutgoingMessage {
        OutgoingMessage(messageID: id, channel: .sms, recipient: number, subject: nil, body: body, language: .french)
    }

    @Test("French text arrives intact: GSM 7-bit when every accent is in the alphabet, UCS-2 otherwise")
    func frenchText() async throws {
        // given
        let client = InteropPeers.smppClient(systemID: InteropPeers.systemID("x"))
        let (gsmNumber, ucsNumber) = (InteropPeers.freshNumber(), InteropPeers.freshNumber())
        let gsm = "Votre reçu est prêt ? Non : votre facture de décembre à régler, où ? Ici. Éric a payé 1 200,00 Rs."
            .replacingOccurrences(of: "ç", with: "c").replacingOccurrences(of: "ê", with: "e")
        let ucs = "Votre facture est prête : 1 234,50 Rs, à régler avant le 15/12. Reçu envoyé. Forêt €"

        // when
        _ = try await client.send(Self.message(gsm, to: gsmNumber))
        _ = try await client.send(Self.message(ucs, to: ucsNumber))
        await client.shutdown()

        // then
        let gsmRecords = try InteropPeers.smsc(to: gsmNumber)
        let ucsRecords = try InteropPeers.smsc(to: ucsNumber)
        #expect(gsmRecords.map(\.text) == [gsm])
        #expect(gsmRecords.first?.data_coding == 0)
        #expect(ucsRecords.map(\.text) == [ucs])
        #expect(ucsRecords.first?.data_coding == 8)
    }

    @Test("a long message goes as concatenated parts the SMSC joins back into one text")
    func longMessage() async throws {
        // given
        let client = InteropPeers.smppClient(systemID: InteropPeers.systemID("x"))
        let number = InteropPeers.freshNumber()
        let text = String(repeating: "Votre consommation de novembre a dépassé le forfait. ", count: 8)

        // when
        let ids = try await client.send(Self.message(text, to: number))
        await client.shutdown()

        // then
        let records = try InteropPeers.smsc(to: number)
        #expect(records.count == 1)
        #expect(records.first?.text == text)
        #expect(records.first?.parts == 3)
        #expect(records.first?.message_ids.joined(separator: " ") == ids)
    }

    @Test("a refused bind is a temporary failure: the message waits for a later try")
    func wrongPassword() async throws {
        // given
        let client = InteropPeers.smppClient(systemID: InteropPeers.systemID("x"), password: "wrong")
        let number = InteropPeers.freshNumber()

        // when
        let error = await #expect(throws: DeliveryError.self) {
            _ = try await client.send(Self.message("Bonjour", to: number))
        }

        // then
        guard case .temporary(let reason) = error else { Issue.record("expected a temporary failure, got \(String(describing: error))"); return }
        #expect(reason.contains("ESME_RINVPASWD"))
        #expect(try InteropPeers.smsc(to: number).isEmpty)
    }

    @Test("throttled and queue-full answers are retried with back-off until the SMSC accepts")
    func throttled() async throws {
        // given an SMSC refusing 30 % of the submissions, as throttled or with its queue full
        let client = InteropPeers.smppClient(systemID: InteropPeers.systemID("t20q10"))
        let numbers = (0..<10).map { _ in InteropPeers.freshNumber() }

        // when
        for (index, number) in numbers.enumerated() {
            _ = try await client.send(Self.message("Message \(index) à vous", to: number))
        }
        await client.shutdown()

        // then each arrived once
        for (index, number) in numbers.enumerated() {
            #expect(try InteropPeers.smsc(to: number).map(\.text) == ["Message \(index) à vous"])
        }
    }
}

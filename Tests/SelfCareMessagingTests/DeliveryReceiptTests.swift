import NIOCore
import Testing
@testable import SelfCareMessaging

@Suite("SMPP delivery receipts")
struct DeliveryReceiptTests {
    private let appendixB = "id:0123abcd sub:001 dlvrd:001 submit date:2611291200 done date:2611291201 stat:DELIVRD err:000 text:Hello"

    private func deliver(
        esmClass: UInt8, text: String, tlvs: [(tag: UInt16, value: [UInt8])] = []
    ) throws -> DeliverSM {
        try DeliverSM(body: SMPPBodyBuilder.deliverSM(esmClass: esmClass, shortMessage: Array(text.utf8), tlvs: tlvs).buffer)
    }

    @Test("the SMPP 3.4 Appendix B text gives the id, the state and the error code")
    func readsAppendixBText() throws {
        // given
        let deliver = try deliver(esmClass: 0x04, text: appendixB)

        // when
        let receipt = try #require(DeliveryReceipt(deliver))

        // then
        #expect(receipt == DeliveryReceipt(messageID: "0123abcd", state: "DELIVRD", errorCode: "000"))
        #expect(receipt.isDelivered)
        #expect(!receipt.isFinalFailure)
    }

    @Test("the text fields are read whatever their case, and the state is upper-cased")
    func readsLowercaseText() throws {
        // given
        let deliver = try deliver(esmClass: 0x04, text: "ID:77aa sub:001 dlvrd:000 submit date:2611291200 done date:2611291300 Stat:undeliv Err:034 text:")

        // when
        let receipt = try #require(DeliveryReceipt(deliver))

        // then
        #expect(receipt.messageID == "77aa")
        #expect(receipt.state == "UNDELIV")
        #expect(receipt.errorCode == "034")
    }

    @Test("receipted_message_id and message_state TLVs win over the text")
    func prefersTLVs() throws {
        // given a text saying delivered and TLVs saying undeliverable, for another id
        let deliver = try deliver(esmClass: 0x04, text: appendixB, tlvs: [
            (SMPPOptionalParameter.receiptedMessageID, Array("7f00ee11".utf8) + [0]),
            (SMPPOptionalParameter.messageState, [5]),
        ])

        // when
        let receipt = try #require(DeliveryReceipt(deliver))

        // then
        #expect(receipt.messageID == "7f00ee11")
        #expect(receipt.state == "UNDELIV")
        #expect(receipt.errorCode == "000")
        #expect(!receipt.isDelivered)
        #expect(receipt.isFinalFailure)
    }

    @Test("TLVs alone make a receipt: message_state 2 is DELIVRD")
    func tlvsWithoutText() throws {
        // given
        let deliver = try deliver(esmClass: 0x04, text: "", tlvs: [
            (SMPPOptionalParameter.messageState, [2]),
            (SMPPOptionalParameter.receiptedMessageID, Array("abc-1".utf8) + [0]),
        ])

        // when
        let receipt = try #require(DeliveryReceipt(deliver))

        // then
        #expect(receipt == DeliveryReceipt(messageID: "abc-1", state: "DELIVRD", errorCode: nil))
        #expect(receipt.isDelivered)
    }

    @Test("a deliver_sm that is not an SMSC delivery receipt gives none", arguments: [
        UInt8(0x00),  // a mobile-originated message
        0x08,  // an SME delivery acknowledgement
        0x20,  // an intermediate delivery notification
    ])
    func notAReceipt(esmClass: UInt8) throws {
        // given a receipt-looking text in a message of another type
        let deliver = try deliver(esmClass: esmClass, text: appendixB)

        // when
        let receipt = DeliveryReceipt(deliver)

        // then
        #expect(!deliver.isDeliveryReceipt)
        #expect(receipt == nil)
    }

    @Test("a receipt with neither an id nor a state gives none")
    func receiptWithoutFields() throws {
        // given
        let withoutID = try deliver(esmClass: 0x04, text: "sub:001 dlvrd:001 stat:DELIVRD err:000")
        let withoutState = try deliver(esmClass: 0x04, text: "id:0123abcd sub:001 dlvrd:001 err:000")

        // when / then
        #expect(DeliveryReceipt(withoutID) == nil)
        #expect(DeliveryReceipt(withoutState) == nil)
    }

    @Test("the UDHI bit does not hide a receipt")
    func receiptWithOtherBits() throws {
        // given esm_class 0x44: delivery receipt type with the UDHI bit set
        let deliver = try deliver(esmClass: 0x44, text: appendixB)

        // when / then
        #expect(deliver.isDeliveryReceipt)
        #expect(DeliveryReceipt(deliver)?.messageID == "0123abcd")
    }

    @Test("delivered and final failure states", arguments: [
        ("DELIVRD", true, false),
        ("UNDELIV", false, true),
        ("EXPIRED", false, true),
        ("REJECTD", false, true),
        ("DELETED", false, true),
        ("UNKNOWN", false, true),
        ("ENROUTE", false, false),
        ("ACCEPTD", false, false),
    ])
    func states(state: String, delivered: Bool, failed: Bool) {
        // given
        let receipt = DeliveryReceipt(messageID: "m", state: state)

        // when / then
        #expect(receipt.isDelivered == delivered)
        #expect(receipt.isFinalFailure == failed)
    }
}

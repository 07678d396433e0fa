import Foundation
import Testing
@testable import SelfCareCore

/// CONTRACT §4: `record_id,msisdn,usage_type,started_at,duration_s,volume_bytes,destination,roaming_country`.
@Suite("UsageRow")
struct UsageRowTests {
    @Test("the header is the contract's")
    func header() {
        // given
        // when
        let header = UsageRow.header.joined(separator: ",")

        // then
        #expect(header == "record_id,msisdn,usage_type,started_at,duration_s,volume_bytes,destination,roaming_country")
    }

    @Test("reads a home voice call")
    func voiceRow() throws {
        // given
        let fields = ["R1", "+23057123456", "voice", "2026-10-03T14:22:05+04:00", "125", "", "+23057000001", ""]

        // when
        let record = try UsageRow.parse(fields)

        // then
        #expect(record == UsageRecord(
            recordID: "R1", msisdn: try MSISDN("+23057123456"), type: .voice,
            startedAt: Instant.utc(2026, 10, 3, 10, 22, 5), durationSeconds: 125, destination: "+23057000001"))
        #expect(!record.isRoaming)
        #expect(record.isNationalDestination)
        #expect(record.billedMinutes == 3)
    }

    @Test("reads an SMS abroad, with the destination's spaces removed")
    func smsRow() throws {
        // given
        let fields = ["R2", "5712 3456", "sms", "2026-10-03T10:22:05Z", "", "", "+33 6 12 34 56 78", ""]

        // when
        let record = try UsageRow.parse(fields)

        // then
        #expect(record.type == .sms)
        #expect(record.msisdn.e164 == "+23057123456")
        #expect(record.destination == "+33612345678")
        #expect(!record.isNationalDestination)
        #expect(record.durationSeconds == 0)
        #expect(record.volumeBytes == 0)
    }

    @Test("reads a roaming data session")
    func roamingDataRow() throws {
        // given
        let fields = [" R3 ", "+23057123456", "data", "2026-10-31T23:59:59+04:00", "", "1234567", "", "FR"]

        // when
        let record = try UsageRow.parse(fields)

        // then
        #expect(record.recordID == "R3")
        #expect(record.type == .data)
        #expect(record.volumeBytes == 1_234_567)
        #expect(record.destination == nil)
        #expect(record.roamingCountry == "FR")
        #expect(record.isRoaming)
        #expect(record.period.description == "2026-10")
    }

    @Test("accepts 0 in the unused numeric fields of an SMS, and a duration on data", arguments: [
        ["R4", "+23057123456", "sms", "2026-10-03T10:22:05Z", "0", "0", "+23057000001", ""],
        ["R5", "+23057123456", "data", "2026-10-03T10:22:05Z", "300", "1000", "", ""],
        ["R6", "+23057123456", "voice", "2026-10-03T10:22:05Z", "0", "", "+23057000001", "MU"],
    ])
    func toleratedFields(fields: [String]) throws {
        // given a row with tolerated extras
        // when
        let record = try UsageRow.parse(fields)

        // then
        #expect(record.recordID == fields[0])
    }

    @Test("refuses a bad row with a reason naming the field", arguments: [
        (["R1", "+23057123456", "voice"], "expected 8 fields, found 3"),
        (["", "+23057123456", "voice", "2026-10-03T10:22:05Z", "60", "", "+23057000001", ""], "record_id is empty"),
        ([String(repeating: "x", count: 65), "+23057123456", "voice", "2026-10-03T10:22:05Z", "60", "", "+23057000001", ""],
         "record_id is longer than 64 characters"),
        (["R1", "4712 3456", "voice", "2026-10-03T10:22:05Z", "60", "", "+23057000001", ""], "msisdn:"),
        (["R1", "+23057123456", "video", "2026-10-03T10:22:05Z", "60", "", "+23057000001", ""], "usage_type 'video'"),
        (["R1", "+23057123456", "Voice", "2026-10-03T10:22:05Z", "60", "", "+23057000001", ""], "usage_type 'Voice'"),
        (["R1", "+23057123456", "voice", "2026-10-03T10:22:05", "60", "", "+23057000001", ""], "started_at"),
        (["R1", "+23057123456", "voice", "2026-10-03T10:22:05Z", "", "", "+23057000001", ""], "duration_s ''"),
        (["R1", "+23057123456", "voice", "2026-10-03T10:22:05Z", "-1", "", "+23057000001", ""], "duration_s '-1'"),
        (["R1", "+23057123456", "voice", "2026-10-03T10:22:05Z", "1.5", "", "+23057000001", ""], "duration_s '1.5'"),
        (["R1", "+23057123456", "voice", "2026-10-03T10:22:05Z", "60", "100", "+23057000001", ""],
         "volume_bytes must be empty for a voice record"),
        (["R1", "+23057123456", "voice", "2026-10-03T10:22:05Z", "60", "", "", ""], "destination is required for a voice record"),
        (["R1", "+23057123456", "voice", "2026-10-03T10:22:05Z", "60", "", "57000001", ""], "destination '57000001'"),
        (["R1", "+23057123456", "sms", "2026-10-03T10:22:05Z", "", "", "", ""], "destination is required for a sms record"),
        (["R1", "+23057123456", "sms", "2026-10-03T10:22:05Z", "5", "", "+23057000001", ""],
         "duration_s must be empty for an sms record"),
        (["R1", "+23057123456", "sms", "2026-10-03T10:22:05Z", "", "7", "+23057000001", ""],
         "volume_bytes must be empty for an sms record"),
        (["R1", "+23057123456", "data", "2026-10-03T10:22:05Z", "", "", "", ""], "volume_bytes ''"),
        (["R1", "+23057123456", "data", "2026-10-03T10:22:05Z", "", "-5", "", ""], "volume_bytes '-5'"),
        (["R1", "+23057123456", "data", "2026-10-03T10:22:05Z", "abc", "5", "", ""], "duration_s 'abc' is not a number"),
        (["R1", "+23057123456", "data", "2026-10-03T10:22:05Z", "", "5", "+23057000001", ""],
         "destination must be empty for a data record"),
        (["R1", "+23057123456", "data", "2026-10-03T10:22:05Z", "", "5", "", "fr"], "roaming_country 'fr'"),
        (["R1", "+23057123456", "data", "2026-10-03T10:22:05Z", "", "5", "", "FRA"], "roaming_country 'FRA'"),
    ])
    func refusesBadRows(fields: [String], reason: String) {
        // given a wrong row
        // when
        let error = #expect(throws: RowError.self) { try UsageRow.parse(fields) }

        // then the reason says what is wrong
        #expect(error?.reason.hasPrefix(reason) == true, "reason: \(error?.reason ?? "none")")
    }
}

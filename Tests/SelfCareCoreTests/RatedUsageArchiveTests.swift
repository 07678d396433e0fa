import Foundation
import Testing
@testable import SelfCareCore

/// A bill's rated records, kept in a compact form: what is read back is what was written.
@Suite("Rated usage archive")
struct RatedUsageArchiveTests {
    static let line = try! MSISDN("+230 5710 0001")

    static func usage(_ id: String, _ type: UsageType, seconds: Int64 = 0, bytes: Int64 = 0, to destination: String? = nil,
                      abroad: String? = nil, charge: Int64, rate: Int64) -> RatedUsage {
        let record = UsageRecord(recordID: id, msisdn: line, type: type, startedAt: Date(timeIntervalSince1970: 1_793_595_600),
                                 durationSeconds: seconds, volumeBytes: bytes, destination: destination, roamingCountry: abroad)
        return RatedUsage(record: record, chargeClass: type == .data ? .dataNational : .voiceOnNet, quantity: seconds + bytes,
                          includedQuantity: 3, charge: Money(cents: charge), rate: Money(cents: rate))
    }

    @Test("records written are read back the same, accents, empty values and large numbers included")
    func roundTrip() throws {
        // given
        let records = [
            Self.usage("NA001", .voice, seconds: 125, to: "+23057100002", charge: 150, rate: 150),
            Self.usage("réf-é", .data, bytes: 9_000_000_000_000, abroad: "FR", charge: Int64.max / 4, rate: 15_000),
            Self.usage("", .sms, to: nil, charge: 0, rate: 0),
        ]

        // when
        let bytes = RatedUsageArchive.encode(records)
        let decoded = try RatedUsageArchive.decode(bytes, msisdn: Self.line)

        // then
        #expect(decoded == records)
        #expect(bytes.count < 120)
    }

    @Test("an unknown format, a cut or a trailing byte is refused", arguments: [
        ([2, 0] as [UInt8], RatedUsageArchive.DecodingError.unknownFormat(2)),
        ([1, 1, 5, 65] as [UInt8], .truncated),
        ([1, 0, 0] as [UInt8], .invalid("1 bytes after the last record")),
    ])
    func refusesDamage(bytes: [UInt8], expected: RatedUsageArchive.DecodingError) {
        #expect(throws: expected) { try RatedUsageArchive.decode(bytes, msisdn: Self.line) }
    }
}

import Foundation

/// The three kinds of usage a line produces.
public enum UsageType: String, Sendable, Codable, CaseIterable {
    case voice
    case sms
    case data
}

/// One call detail record (CDR) of a line, as delivered by the network.
public struct UsageRecord: Sendable, Hashable {
    /// The network's unique id of the record; importing it twice has no effect.
    public var recordID: String
    public var msisdn: MSISDN
    public var type: UsageType
    /// The start, to the second.
    public var startedAt: Date
    /// Seconds of a voice call.
    public var durationSeconds: Int64
    /// Bytes of a data session.
    public var volumeBytes: Int64
    /// The called number of a voice call or SMS (E.164).
    public var destination: String?
    /// ISO 3166 alpha-2 country the line was in when abroad; nil at home.
    public var roamingCountry: String?

    public init(
        recordID: String, msisdn: MSISDN, type: UsageType, startedAt: Date,
        durationSeconds: Int64 = 0, volumeBytes: Int64 = 0, destination: String? = nil, roamingCountry: String? = nil
    ) {
        self.recordID = recordID
        self.msisdn = msisdn
        self.type = type
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.volumeBytes = volumeBytes
        self.destination = destination
        self.roamingCountry = roamingCountry
    }

    public var isRoaming: Bool { roamingCountry != nil }

    /// True when the destination is a Mauritian number.
    public var isNationalDestination: Bool { destination?.hasPrefix("+" + MSISDN.countryCode) ?? false }

    /// The billing period the record belongs to, operator time.
    public var period: BillingPeriod { BillingPeriod(containing: startedAt) }

    /// Billed minutes of a voice call: ⌈seconds / 60⌉.
    public var billedMinutes: Int64 { (durationSeconds + 59) / 60 }

    /// The order rating applies records in: start time, then record id.
    public static func ratingOrder(_ lhs: UsageRecord, _ rhs: UsageRecord) -> Bool {
        lhs.startedAt != rhs.startedAt ? lhs.startedAt < rhs.startedAt : lhs.recordID < rhs.recordID
    }
}

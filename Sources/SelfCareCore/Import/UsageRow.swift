import Foundation

/// Reads the usage file's rows (CONTRACT §4) into usage records, with a reason for every refusal.
public enum UsageRow {
    public static let header = ["record_id", "msisdn", "usage_type", "started_at", "duration_s", "volume_bytes", "destination", "roaming_country"]

    /// Validates one row's fields; the error text names the field and what is wrong.
    public static func parse(_ fields: [String]) throws(RowError) -> UsageRecord {
        guard fields.count == header.count else {
            throw RowError("expected \(header.count) fields, found \(fields.count)")
        }
        let recordID = fields[0].trimmedSpaces
        guard !recordID.isEmpty else { throw RowError("record_id is empty") }
        guard recordID.count <= 64 else { throw RowError("record_id is longer than 64 characters") }
        let msisdn: MSISDN
        do { msisdn = try MSISDN(fields[1]) } catch { throw RowError("msisdn: \(error.description)") }
        guard let type = UsageType(rawValue: fields[2].trimmedSpaces) else {
            throw RowError("usage_type '\(fields[2])' is not voice, sms or data")
        }
        guard let startedAt = Timestamp.parse(fields[3].trimmedSpaces) else {
            throw RowError("started_at '\(fields[3])' is not an ISO 8601 time with offset like 2026-10-03T14:22:05+04:00")
        }
        let duration = fields[4].trimmedSpaces
        let volume = fields[5].trimmedSpaces
        let destinationText = fields[6].trimmedSpaces
        let roaming = fields[7].trimmedSpaces

        var record = UsageRecord(recordID: recordID, msisdn: msisdn, type: type, startedAt: startedAt)
        if !roaming.isEmpty {
            guard roaming.count == 2, roaming.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw RowError("roaming_country '\(roaming)' is not an ISO 3166 alpha-2 code like FR")
            }
            record.roamingCountry = roaming
        }
        switch type {
        case .voice:
            guard let seconds = Int64(duration), seconds >= 0 else {
                throw RowError("duration_s '\(duration)' must be a whole number of seconds for a voice record")
            }
            guard volume.isEmpty else { throw RowError("volume_bytes must be empty for a voice record") }
            record.durationSeconds = seconds
            record.destination = try destination(destinationText, for: type)
        case .sms:
            guard duration.isEmpty || duration == "0" else { throw RowError("duration_s must be empty for an sms record") }
            guard volume.isEmpty || volume == "0" else { throw RowError("volume_bytes must be empty for an sms record") }
            record.destination = try destination(destinationText, for: type)
        case .data:
            guard let bytes = Int64(volume), bytes >= 0 else {
                throw RowError("volume_bytes '\(volume)' must be a whole number of bytes for a data record")
            }
            guard duration.isEmpty || Int64(duration) != nil else { throw RowError("duration_s '\(duration)' is not a number") }
            guard destinationText.isEmpty else { throw RowError("destination must be empty for a data record") }
            record.volumeBytes = bytes
        }
        return record
    }

    private static func destination(_ text: String, for type: UsageType) throws(RowError) -> String {
        guard !text.isEmpty else { throw RowError("destination is required for a \(type.rawValue) record") }
        do { return try PhoneNumber(text).e164 } catch {
            throw RowError("destination '\(text)' is not an E.164 number like +23057123456: \(error.description)")
        }
    }
}

/// Why a row of an import file was refused.
public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

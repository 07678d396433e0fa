import Foundation

/// The rated records of a bill as it was issued, in a compact binary form kept with the bill: each record whole
/// (id, kind, start, duration, volume, destination, country) with what the bill run computed for it (charge class,
/// quantity, included part, rate, charge). Reading it back gives the same records, whatever plans or code say later.
public enum RatedUsageArchive {
    /// The format written; a reader refuses a format it does not know.
    public static let format: UInt8 = 1

    public enum DecodingError: Error, Sendable, Equatable {
        case unknownFormat(UInt8)
        case truncated
        case invalid(String)
    }

    /// The records, in the order given (the bill run gives rating order).
    public static func encode(_ records: [RatedUsage]) -> [UInt8] {
        var out: [UInt8] = [format]
        out.reserveCapacity(1 + records.count * 40)
        appendVarint(UInt64(records.count), to: &out)
        for usage in records {
            let record = usage.record
            appendString(record.recordID, to: &out)
            out.append(typeCode(record.type))
            appendSigned(Int64(record.startedAt.timeIntervalSince1970.rounded()), to: &out)
            appendSigned(record.durationSeconds, to: &out)
            appendSigned(record.volumeBytes, to: &out)
            appendOptionalString(record.destination, to: &out)
            appendOptionalString(record.roamingCountry, to: &out)
            out.append(UInt8(ChargeClass.allCases.firstIndex(of: usage.chargeClass)!))
            appendSigned(usage.quantity, to: &out)
            appendSigned(usage.includedQuantity, to: &out)
            appendSigned(usage.rate.cents, to: &out)
            appendSigned(usage.charge.cents, to: &out)
        }
        return out
    }

    /// The records of a line whose number is `msisdn`.
    public static func decode(_ bytes: some Collection<UInt8>, msisdn: MSISDN) throws(DecodingError) -> [RatedUsage] {
        var reader = Reader(bytes: Array(bytes))
        let version = try reader.byte()
        guard version == format else { throw .unknownFormat(version) }
        let count = try reader.varint()
        guard count <= UInt64(reader.remaining) else { throw .truncated }
        var records: [RatedUsage] = []
        records.reserveCapacity(Int(count))
        for _ in 0..<count {
            let recordID = try reader.string()
            let type = try usageType(try reader.byte())
            let startedAt = Date(timeIntervalSince1970: TimeInterval(try reader.signed()))
            let duration = try reader.signed()
            let volume = try reader.signed()
            let destination = try reader.optionalString()
            let country = try reader.optionalString()
            let classIndex = Int(try reader.byte())
            guard classIndex < ChargeClass.allCases.count else { throw .invalid("charge class \(classIndex)") }
            let record = UsageRecord(recordID: recordID, msisdn: msisdn, type: type, startedAt: startedAt, durationSeconds: duration,
                                     volumeBytes: volume, destination: destination, roamingCountry: country)
            records.append(RatedUsage(
                record: record, chargeClass: ChargeClass.allCases[classIndex], quantity: try reader.signed(),
                includedQuantity: try reader.signed(), charge: .zero, rate: Money(cents: try reader.signed())))
            records[records.count - 1].charge = Money(cents: try reader.signed())
        }
        guard reader.remaining == 0 else { throw .invalid("\(reader.remaining) bytes after the last record") }
        return records
    }

    private static func typeCode(_ type: UsageType) -> UInt8 {
        switch type {
        case .voice: 0
        case .sms: 1
        case .data: 2
        }
    }

    private static func usageType(_ code: UInt8) throws(DecodingError) -> UsageType {
        switch code {
        case 0: .voice
        case 1: .sms
        case 2: .data
        default: throw .invalid("usage type \(code)")
        }
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// Zig-zag, so small negative numbers stay short.
    private static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &out)
    }

    private static func appendString(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        appendVarint(UInt64(utf8.count), to: &out)
        out.append(contentsOf: utf8)
    }

    private static func appendOptionalString(_ text: String?, to out: inout [UInt8]) {
        guard let text else { return out.append(0) }
        let utf8 = text.utf8
        appendVarint(UInt64(utf8.count) + 1, to: &out)
        out.append(contentsOf: utf8)
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var remaining: Int { bytes.count - position }

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard position < bytes.count else { throw .truncated }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() throws(DecodingError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = try byte()
                guard shift < 64 else { throw .invalid("varint too long") }
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }

        mutating func signed() throws(DecodingError) -> Int64 {
            let raw = try varint()
            return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        }

        mutating func string() throws(DecodingError) -> String {
            let length = try varint()
            return try text(length: length)
        }

        mutating func optionalString() throws(DecodingError) -> String? {
            let length = try varint()
            guard length > 0 else { return nil }
            return try text(length: length - 1)
        }

        private mutating func text(length: UInt64) throws(DecodingError) -> String {
            guard length <= UInt64(remaining) else { throw .truncated }
            let end = position + Int(length)
            defer { position = end }
            return String(decoding: bytes[position..<end], as: UTF8.self)
        }
    }
}

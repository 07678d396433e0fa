import Foundation

/// An RFC 4180 CSV parser fed one line at a time, so files of any size are read with flat memory.
/// Quoted fields may hold commas, doubled quotes and line breaks.
public struct CSVParser: Sendable {
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var inQuotes = false
    private var fieldWasQuoted = false

    public init() {}

    /// True while a quoted field is open across lines.
    public var isInsideQuotedField: Bool { inQuotes }

    /// Feeds one physical line (without its line break); returns the record when it is complete.
    public mutating func feed(_ line: some Collection<UInt8>) throws(CSVError) -> [String]? {
        if !inQuotes, let fields = line.withContiguousStorageIfAvailable(Self.splitUnquoted), let fields {
            return fields
        }
        return try feedSlowly(line)
    }

    /// The fields of a line holding no quote at all, split in one pass over its bytes; nil when it has quotes.
    private static func splitUnquoted(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        var fields: [String] = []
        fields.reserveCapacity(12)
        var start = 0
        var end = bytes.count
        if end > 0, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return nil }
            if byte == UInt8(ascii: ",") {
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                start = index + 1
            }
            index += 1
        }
        fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        return fields
    }

    private mutating func feedSlowly(_ line: some Collection<UInt8>) throws(CSVError) -> [String]? {
        var previousWasQuote = false
        var iterator = line.makeIterator()
        var pending = iterator.next()
        if inQuotes { field.append(UInt8(ascii: "\n")) }
        while let byte = pending {
            pending = iterator.next()
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if pending == UInt8(ascii: "\"") {
                        field.append(byte)
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                        previousWasQuote = true
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                endField()
                previousWasQuote = false
            case UInt8(ascii: "\""):
                guard field.isEmpty, !fieldWasQuoted else { throw .strayQuote }
                inQuotes = true
                fieldWasQuoted = true
            case UInt8(ascii: "\r") where pending == nil:
                continue
            default:
                if previousWasQuote { throw .textAfterClosingQuote }
                field.append(byte)
            }
        }
        if inQuotes { return nil }
        endField()
        defer { fields.removeAll(keepingCapacity: true) }
        return fields
    }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
    }

    /// Quotes a field for output when it holds a comma, quote or line break.
    public static func escape(_ field: String) -> String {
        // Scalars, not Characters: "\r\n" and a quote followed by a combining mark are each one Character.
        let scalars = field.unicodeScalars
        guard scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in scalars {
            if scalar == "\"" { quoted.append("\"") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }
}

/// What is wrong with a CSV line.
public enum CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    case strayQuote
    case textAfterClosingQuote
    case unterminatedQuote

    public var description: String {
        switch self {
        case .strayQuote: "a quote inside an unquoted field"
        case .textAfterClosingQuote: "text after a closing quote"
        case .unterminatedQuote: "a quoted field is not closed before the end of the file"
        }
    }
}

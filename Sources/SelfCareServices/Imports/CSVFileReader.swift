import Foundation
import SelfCareCore
import SelfCareStore

/// Reads a CSV file record by record with a fixed-size buffer, so memory stays flat whatever the file size.
package struct CSVFileReader {
    private let handle: FileHandle
    private let header: [String]
    private var parser = CSVParser()
    private var buffer: [UInt8] = []
    private var position = 0
    private var lineNumber = 0
    private var atEnd = false
    /// Bytes read from the file so far, for progress reports.
    package private(set) var bytesRead: Int64 = 0
    /// The file's size in bytes.
    package let fileSize: Int64

    /// Opens the file and checks its header row (a UTF-8 byte order mark is skipped).
    package init(path: String, header: [String]) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.cannotOpen(path) }
        self.handle = handle
        self.header = header
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        fileSize = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        guard let first = try next() else {
            throw ImportError.badHeader(expected: header, found: [])
        }
        let found = ((try? first.fields.get()) ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard found == header else { throw ImportError.badHeader(expected: header, found: found) }
    }

    /// The next record with the number of the line it starts on (the header is line 1), or nil at the end.
    package mutating func next() throws -> (line: Int, fields: Result<[String], CSVError>)? {
        var recordStart = lineNumber + 1
        while let line = try nextLine() {
            lineNumber += 1
            if !parser.isInsideQuotedField { recordStart = lineNumber }
            var bytes = line[...]
            if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            do {
                guard let fields = try parser.feed(bytes) else { continue }
                if fields.count == 1, fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
                return (recordStart, .success(fields))
            } catch {
                parser = CSVParser()
                return (recordStart, .failure(error))
            }
        }
        if parser.isInsideQuotedField {
            parser = CSVParser()
            return (recordStart, .failure(.unterminatedQuote))
        }
        return nil
    }

    private mutating func nextLine() throws -> [UInt8]? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[position..<newline])
                position = newline + 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return line
            }
            buffer.removeSubrange(..<position)
            position = 0
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            bytesRead += Int64(chunk.count)
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    package func close() {
        try? handle.close()
    }
}

/// Why an import file cannot be read at all.
package enum ImportError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(String)
    case badHeader(expected: [String], found: [String])
    case invalidJSON(String)

    package var description: String {
        switch self {
        case .cannotOpen(let path): "cannot open \(path)"
        case .badHeader(let expected, let found):
            found.isEmpty ? "the file is empty: expected the header \(expected.joined(separator: ","))"
                : "line 1: expected the header \(expected.joined(separator: ",")), found \(found.joined(separator: ","))"
        case .invalidJSON(let reason): reason
        }
    }
}

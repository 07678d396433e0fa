import NIOCore
import PostgresNIO

/// Reads a PostgreSQL row's cells in order from their bytes: integers in the binary format the driver asks for (or
/// text), strings as UTF-8. For bulk readers, where per-row generic decoding dominates.
struct CellReader {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    mutating func int64() throws -> Int64 {
        guard let cell = cells.next(), var bytes = cell.bytes else { throw CellReaderError.missing }
        if cell.format == .text {
            guard let value = Int64(String(buffer: bytes)) else { throw CellReaderError.notAnInteger(cell.columnName) }
            return value
        }
        switch bytes.readableBytes {
        case 8: return bytes.readInteger(as: Int64.self)!
        case 4: return Int64(bytes.readInteger(as: Int32.self)!)
        case 2: return Int64(bytes.readInteger(as: Int16.self)!)
        default: throw CellReaderError.notAnInteger(cell.columnName)
        }
    }

    mutating func text() throws -> String {
        guard let value = optionalText() else { throw CellReaderError.missing }
        return value
    }

    mutating func optionalText() -> String? {
        cells.next()?.bytes.map { String(buffer: $0) }
    }
}

enum CellReaderError: Error, CustomStringConvertible {
    case missing
    case notAnInteger(String)

    var description: String {
        switch self {
        case .missing: "a row has fewer cells than read, or a NULL where a value must be"
        case .notAnInteger(let column): "column \(column) does not hold an integer"
        }
    }
}

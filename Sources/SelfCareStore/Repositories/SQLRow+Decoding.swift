import Foundation
import SQLKit

extension SQLRow {
    /// A non-null column as `T`.
    func value<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(column: column, as: T.self)
    }

    /// A nullable column as `T?`.
    func optional<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}

extension Date {
    /// Whole seconds since 1970, as stored in `{int}` time columns.
    var storedSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }

    init(storedSeconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(storedSeconds))
    }
}

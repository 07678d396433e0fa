import Foundation
import SelfCareCore

/// Loads the tariff plans file (a JSON array, CONTRACT §3): all plans or none.
package struct PlanImporter: Sendable {
    private let database: Database
    private let plans = PlanRepository()

    package init(database: Database) {
        self.database = database
    }

    /// Validates every plan first, then creates or updates them in one transaction; returns their codes.
    package func importFile(at path: String, now: Date) async throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError.cannotOpen(path) }
        let decoded: [TariffPlan]
        do {
            decoded = try JSONDecoder().decode([TariffPlan].self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ImportError.invalidJSON("\(Self.location(context.codingPath)): missing field '\(key.stringValue)'")
        } catch let DecodingError.dataCorrupted(context) {
            throw ImportError.invalidJSON("\(Self.location(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ImportError.invalidJSON("\(Self.location(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ImportError.invalidJSON("\(Self.location(context.codingPath)): value is missing")
        }
        var seen = Set<String>()
        for (index, plan) in decoded.enumerated() {
            do { try plan.validate() } catch {
                throw ImportError.invalidJSON("plan \(index + 1) (\(plan.code)): \(error.description)")
            }
            guard seen.insert(plan.code).inserted else {
                throw ImportError.invalidJSON("plan \(index + 1): code '\(plan.code)' appears twice")
            }
        }
        try await database.transaction { db in
            for plan in decoded { try await plans.upsert(plan, now: now, on: db) }
        }
        return decoded.map(\.code)
    }

    /// A JSON path such as `plan 2, rates.dataPerMB`.
    private static func location(_ path: [any CodingKey]) -> String {
        guard let first = path.first else { return "file" }
        let index = first.intValue.map { "plan \($0 + 1)" } ?? first.stringValue
        let rest = path.dropFirst().map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return rest.isEmpty ? index : "\(index), \(rest)"
    }
}

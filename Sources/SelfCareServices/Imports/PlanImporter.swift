import Foundation
import SelfCareCore
import SelfCareStore

/// Loads the tariff plans file (a JSON array, CONTRACT §3): all plans or none.
package struct PlanImporter: Sendable {
    private let database: Database
    private let plans = PlanRepository()

    package init(database: Database) {
        self.database = database
    }

    /// What one plan of the file became.
    package struct ImportedVersion: Sendable, Codable, Equatable {
        package var code: String
        package var version: Int
        package var effectiveFrom: String
        package var outcome: PlanVersionOutcome
    }

    /// One entry of the plans file: a plan and, optionally, the day its version takes effect.
    private struct Entry: Decodable {
        var plan: TariffPlan
        var effectiveFrom: CalendarDay?

        private enum Keys: String, CodingKey { case effectiveFrom }

        init(from decoder: any Decoder) throws {
            plan = try TariffPlan(from: decoder)
            effectiveFrom = try decoder.container(keyedBy: Keys.self).decodeIfPresent(CalendarDay.self, forKey: .effectiveFrom)
        }
    }

    /// Validates every plan first, then stores each as a version in one transaction: from its `effectiveFrom`, or from
    /// the first day of the open period (the one after the last billed); a plan seen for the first time without
    /// `effectiveFrom` is in force since always, so earlier usage can be billed with it. A version never starts in a
    /// billed period.
    package func importFile(at path: String, now: Date) async throws -> [ImportedVersion] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError.cannotOpen(path) }
        let decoded: [Entry]
        do {
            decoded = try JSONDecoder().decode([Entry].self, from: data)
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
        for (index, entry) in decoded.enumerated() {
            do { try entry.plan.validate() } catch {
                throw ImportError.invalidJSON("plan \(index + 1) (\(entry.plan.code)): \(error.description)")
            }
            guard seen.insert(entry.plan.code).inserted else {
                throw ImportError.invalidJSON("plan \(index + 1): code '\(entry.plan.code)' appears twice")
            }
        }
        let plans = self.plans
        return try await database.transaction { db in
            let closed = try await BillingRepository().closingPeriods(on: db).compactMap { try? BillingPeriod($0) }
            let open = closed.max()?.next ?? BillingPeriod(containing: now)
            let known = try await plans.all(on: db)
            var imported: [ImportedVersion] = []
            for (index, entry) in decoded.enumerated() {
                let isNew = known[entry.plan.code] == nil
                let day = entry.effectiveFrom ?? (isNew ? PlanRepository.sinceAlways : open.firstDay)
                guard day >= open.firstDay || (isNew && entry.effectiveFrom == nil) else {
                    throw ImportError.invalidJSON("plan \(index + 1) (\(entry.plan.code)): effectiveFrom \(day) is in \(day.period), which is "
                        + "already billed; the earliest day a new version can take effect is \(open.firstDay)")
                }
                let (version, outcome) = try await plans.addVersion(entry.plan, effectiveFrom: day, now: now, on: db)
                imported.append(ImportedVersion(code: entry.plan.code, version: version.version, effectiveFrom: day.description, outcome: outcome))
            }
            return imported
        }
    }

    /// A JSON path such as `plan 2, rates.dataPerMB`.
    private static func location(_ path: [any CodingKey]) -> String {
        guard let first = path.first else { return "file" }
        let index = first.intValue.map { "plan \($0 + 1)" } ?? first.stringValue
        let rest = path.dropFirst().map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return rest.isEmpty ? index : "\(index), \(rest)"
    }
}

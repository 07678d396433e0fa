import Foundation
import SelfCareCore
import SQLKit

/// One version of a tariff plan as stored: in force from a day on, never rewritten once a bill used it.
package struct StoredPlanVersion: Sendable, Hashable {
    package var id: Int64
    package var version: Int
    package var effectiveFrom: CalendarDay
    package var plan: TariffPlan
}

/// What importing a plan did.
package enum PlanVersionOutcome: String, Sendable, Codable {
    /// A plan code seen for the first time.
    case created
    /// A new version of a known plan.
    case added
    /// The same version again: nothing changed.
    case unchanged
    /// A version no bill has used yet, replaced by the one imported for the same day.
    case replaced
}

/// Tariff plans and their versions in the store.
package struct PlanRepository: Sendable {
    package init() {}

    /// The day a plan's first version takes effect when nothing else is said: before any usage can be.
    package static let sinceAlways = try! CalendarDay(year: 2000, month: 1, day: 1)

    /// Adds `plan` as the version in force from `effectiveFrom`. The same definition for a day that already has a
    /// version changes nothing; another one replaces that version only while no bill uses it.
    package func addVersion(
        _ plan: TariffPlan, effectiveFrom: CalendarDay, now: Date, on db: any SQLDatabase
    ) async throws -> (StoredPlanVersion, PlanVersionOutcome) {
        let definition = try Self.definition(of: plan)
        let known = try await db.raw("SELECT code FROM tariff_plans WHERE code = \(bind: plan.code)").first() != nil
        if !known {
            try await db.raw("""
                INSERT INTO tariff_plans (code, name, monthly_fee_cents, definition, updated_at)
                VALUES (\(bind: plan.code), \(bind: plan.name), \(bind: plan.monthlyFee.cents), \(bind: definition), \(bind: now.storedSeconds))
                """).run()
        }
        let outcome: PlanVersionOutcome
        if let same = try await db.raw("""
            SELECT id, definition FROM tariff_plan_versions WHERE code = \(bind: plan.code) AND effective_from = \(bind: effectiveFrom.description)
            """).first() {
            let id: Int64 = try same.value("id")
            if try same.value("definition", as: String.self) == definition {
                outcome = .unchanged
            } else {
                guard try await db.raw("SELECT id FROM bills WHERE plan_version_id = \(bind: id) LIMIT 1").first() == nil else {
                    throw PlanVersionError.inUse(code: plan.code, effectiveFrom: effectiveFrom)
                }
                try await db.raw("""
                    UPDATE tariff_plan_versions SET name = \(bind: plan.name), monthly_fee_cents = \(bind: plan.monthlyFee.cents),
                        definition = \(bind: definition), created_at = \(bind: now.storedSeconds)
                    WHERE id = \(bind: id)
                    """).run()
                outcome = .replaced
            }
        } else {
            let row = try await db.raw("SELECT MAX(version) AS latest FROM tariff_plan_versions WHERE code = \(bind: plan.code)").first()
            let version = (try row?.optional("latest", as: Int64.self) ?? 0) + 1
            try await db.raw("""
                INSERT INTO tariff_plan_versions (code, version, effective_from, name, monthly_fee_cents, definition, created_at)
                VALUES (\(bind: plan.code), \(bind: version), \(bind: effectiveFrom.description), \(bind: plan.name),
                    \(bind: plan.monthlyFee.cents), \(bind: definition), \(bind: now.storedSeconds))
                """).run()
            outcome = known ? .added : .created
        }
        // The catalogue row shows the latest version.
        try await db.raw("""
            UPDATE tariff_plans SET name = v.name, monthly_fee_cents = v.monthly_fee_cents, definition = v.definition,
                updated_at = \(bind: now.storedSeconds)
            FROM (SELECT name, monthly_fee_cents, definition FROM tariff_plan_versions WHERE code = \(bind: plan.code)
                  ORDER BY effective_from DESC LIMIT 1) AS v
            WHERE tariff_plans.code = \(bind: plan.code)
            """).run()
        guard let stored = try await version(code: plan.code, effectiveFrom: effectiveFrom, on: db) else {
            throw PlanVersionError.missing(plan.code)
        }
        return (stored, outcome)
    }

    /// The version of `code` in force on `day`: the latest that started on or before it; before the first version
    /// started, the first (a plan applies to everything before its first import).
    package func version(code: String, inForceOn day: CalendarDay, on db: any SQLDatabase) async throws -> StoredPlanVersion? {
        if let row = try await db.raw("""
            SELECT * FROM tariff_plan_versions WHERE code = \(bind: code) AND effective_from <= \(bind: day.description)
            ORDER BY effective_from DESC LIMIT 1
            """).first() { return try Self.version(from: row) }
        return try await db.raw("SELECT * FROM tariff_plan_versions WHERE code = \(bind: code) ORDER BY effective_from LIMIT 1")
            .first().map(Self.version(from:))
    }

    /// The version of every plan in force on `day`, by code.
    package func versionsInForce(on day: CalendarDay, on db: any SQLDatabase) async throws -> [String: StoredPlanVersion] {
        var chosen: [String: StoredPlanVersion] = [:]
        for row in try await db.raw("SELECT * FROM tariff_plan_versions ORDER BY code, effective_from").all() {
            let version = try Self.version(from: row)
            let code = version.plan.code
            if chosen[code] == nil || version.effectiveFrom <= day { chosen[code] = version }
        }
        return chosen
    }

    /// A version by its row id (the one a bill was issued with).
    package func version(id: Int64, on db: any SQLDatabase) async throws -> StoredPlanVersion? {
        try await db.raw("SELECT * FROM tariff_plan_versions WHERE id = \(bind: id)").first().map(Self.version(from:))
    }

    /// The plan with this code as it reads today (its latest version), if any.
    package func plan(code: String, on db: any SQLDatabase) async throws -> TariffPlan? {
        guard let row = try await db.raw("SELECT definition FROM tariff_plans WHERE code = \(bind: code)").first() else { return nil }
        return try JSONDecoder().decode(TariffPlan.self, from: Data(try row.value("definition", as: String.self).utf8))
    }

    /// Every plan by code, as it reads today (its latest version).
    package func all(on db: any SQLDatabase) async throws -> [String: TariffPlan] {
        let decoder = JSONDecoder()
        var plans: [String: TariffPlan] = [:]
        for row in try await db.raw("SELECT definition FROM tariff_plans ORDER BY code").all() {
            let plan = try decoder.decode(TariffPlan.self, from: Data(try row.value("definition", as: String.self).utf8))
            plans[plan.code] = plan
        }
        return plans
    }

    private func version(code: String, effectiveFrom: CalendarDay, on db: any SQLDatabase) async throws -> StoredPlanVersion? {
        try await db.raw("""
            SELECT * FROM tariff_plan_versions WHERE code = \(bind: code) AND effective_from = \(bind: effectiveFrom.description)
            """).first().map(Self.version(from:))
    }

    /// The stored form of a plan: its JSON with sorted keys, so equal plans compare equal.
    static func definition(of plan: TariffPlan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(plan), as: UTF8.self)
    }

    static func version(from row: any SQLRow) throws -> StoredPlanVersion {
        StoredPlanVersion(
            id: try row.value("id"), version: Int(try row.value("version", as: Int64.self)),
            effectiveFrom: try CalendarDay(try row.value("effective_from", as: String.self)),
            plan: try JSONDecoder().decode(TariffPlan.self, from: Data(try row.value("definition", as: String.self).utf8)))
    }
}

/// Why a plan version cannot be stored.
package enum PlanVersionError: Error, Sendable, CustomStringConvertible {
    case inUse(code: String, effectiveFrom: CalendarDay)
    case missing(String)

    package var description: String {
        switch self {
        case .inUse(let code, let day):
            "plan \(code) already has a version from \(day) that bills were issued with; give a later effectiveFrom"
        case .missing(let code): "plan \(code) was not stored"
        }
    }
}

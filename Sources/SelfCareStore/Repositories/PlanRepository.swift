import Foundation
import SelfCareCore
import SQLKit

/// Tariff plans in the store.
package struct PlanRepository: Sendable {
    package init() {}

    /// Creates the plan or replaces the one with the same code.
    package func upsert(_ plan: TariffPlan, now: Date, on db: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let definition = String(decoding: try encoder.encode(plan), as: UTF8.self)
        try await db.raw("""
            INSERT INTO tariff_plans (code, name, monthly_fee_cents, definition, updated_at)
            VALUES (\(bind: plan.code), \(bind: plan.name), \(bind: plan.monthlyFee.cents), \(bind: definition), \(bind: now.storedSeconds))
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, monthly_fee_cents = excluded.monthly_fee_cents,
                definition = excluded.definition, updated_at = excluded.updated_at
            """).run()
    }

    /// The plan with this code, if any.
    package func plan(code: String, on db: any SQLDatabase) async throws -> TariffPlan? {
        guard let row = try await db.raw("SELECT definition FROM tariff_plans WHERE code = \(bind: code)").first() else { return nil }
        return try JSONDecoder().decode(TariffPlan.self, from: Data(try row.value("definition", as: String.self).utf8))
    }

    /// Every plan by code.
    package func all(on db: any SQLDatabase) async throws -> [String: TariffPlan] {
        let rows = try await db.raw("SELECT definition FROM tariff_plans ORDER BY code").all()
        let decoder = JSONDecoder()
        var plans: [String: TariffPlan] = [:]
        for row in rows {
            let plan = try decoder.decode(TariffPlan.self, from: Data(try row.value("definition", as: String.self).utf8))
            plans[plan.code] = plan
        }
        return plans
    }
}

import Foundation
import SelfCareCore
import SQLKit

/// A line past its spend limit in a period, for the operator's provisioning system.
package struct OverLimitLine: Sendable, Hashable {
    package var accountID: String
    package var msisdn: String
    package var limit: Money
    package var charged: Money
    package var since: Date
}

/// Usage alert settings, the alert levels reached, each line's spend and consents to go over the limit.
package struct UsageAlertRepository: Sendable {
    package init() {}

    /// The stored settings of these accounts; an account without any keeps the standard ones.
    package func settings(accountRowIDs: [Int64], on db: any SQLDatabase) async throws -> [Int64: UsageAlertSettings] {
        var result: [Int64: UsageAlertSettings] = [:]
        for chunk in accountRowIDs.chunked(into: 500) {
            let rows = try await db.raw("""
                SELECT account_id, thresholds, channels, spend_limit_cents FROM usage_alert_settings WHERE account_id IN \(SQLBindList(chunk))
                """).all()
            for row in rows {
                let thresholds = (try row.value("thresholds", as: String.self)).split(separator: ",").compactMap { Int($0) }
                let channels = (try row.value("channels", as: String.self)).split(separator: ",").compactMap { AlertChannel(rawValue: String($0)) }
                result[try row.value("account_id")] = UsageAlertSettings(
                    unchecked: thresholds, channels: channels, spendLimit: try row.optional("spend_limit_cents", as: Int64.self).map(Money.init(cents:)))
            }
        }
        return result
    }

    /// Replaces an account's settings.
    package func save(_ settings: UsageAlertSettings, accountRowID: Int64, userID: Int64?, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM usage_alert_settings WHERE account_id = \(bind: accountRowID)").run()
        try await db.raw("""
            INSERT INTO usage_alert_settings (account_id, thresholds, channels, spend_limit_cents, updated_at, updated_by)
            VALUES (\(bind: accountRowID), \(bind: settings.thresholds.map(String.init).joined(separator: ",")),
                    \(bind: settings.channels.map(\.rawValue).joined(separator: ",")), \(bind: settings.spendLimit?.cents),
                    \(bind: now.storedSeconds), \(bind: userID))
            """).run()
    }

    /// Records the levels an account reached in a period and returns those not reached before: each is sent once.
    package func markReached(
        _ levels: [AlertLevel], accountRowID: Int64, period: BillingPeriod, now: Date, on db: any SQLDatabase
    ) async throws -> [AlertLevel] {
        var fresh: [AlertLevel] = []
        for level in levels {
            let inserted = try await db.raw("""
                INSERT INTO usage_alert_levels (account_id, period, subject, percent, reached_at)
                VALUES (\(bind: accountRowID), \(bind: period.description), \(bind: level.subject.rawValue), \(bind: Int64(level.percent)),
                        \(bind: now.storedSeconds))
                ON CONFLICT DO NOTHING RETURNING percent
                """).first()
            if inserted != nil { fresh.append(level) }
        }
        return fresh
    }

    /// The levels an account has reached in a period.
    package func reached(accountRowID: Int64, period: BillingPeriod, on db: any SQLDatabase) async throws -> [AlertLevel] {
        try await db.raw("""
            SELECT subject, percent FROM usage_alert_levels WHERE account_id = \(bind: accountRowID) AND period = \(bind: period.description)
            """).all().compactMap { row -> AlertLevel? in
            guard let subject = AlertSubject(rawValue: try row.value("subject")) else { return nil }
            return AlertLevel(subject: subject, percent: Int(try row.value("percent", as: Int64.self)))
        }.sorted()
    }

    /// Records what a line with a spend limit has been charged in a period; `over` says whether it is at or past the
    /// limit now (the time it first got there is kept while it stays there).
    package func recordSpend(
        accountRowID: Int64, period: BillingPeriod, charged: Money, limit: Money?, now: Date, on db: any SQLDatabase
    ) async throws {
        let over = limit.map { charged >= $0 } ?? false
        let existing = try await db.raw("""
            SELECT over_since FROM line_spend WHERE account_id = \(bind: accountRowID) AND period = \(bind: period.description)
            """).first()
        if let existing {
            let since: Int64? = over ? (try existing.optional("over_since", as: Int64.self) ?? now.storedSeconds) : nil
            try await db.raw("""
                UPDATE line_spend SET charged_cents = \(bind: charged.cents), limit_cents = \(bind: limit?.cents), over_since = \(bind: since),
                    updated_at = \(bind: now.storedSeconds)
                WHERE account_id = \(bind: accountRowID) AND period = \(bind: period.description)
                """).run()
        } else {
            try await db.raw("""
                INSERT INTO line_spend (account_id, period, charged_cents, limit_cents, over_since, updated_at)
                VALUES (\(bind: accountRowID), \(bind: period.description), \(bind: charged.cents), \(bind: limit?.cents),
                        \(bind: over ? now.storedSeconds : nil), \(bind: now.storedSeconds))
                """).run()
        }
    }

    /// A line's spend in a period, with its consent to go over, if any.
    package func spend(accountRowID: Int64, period: BillingPeriod, on db: any SQLDatabase) async throws -> LineSpend? {
        let row = try await db.raw("""
            SELECT s.charged_cents, s.limit_cents, s.over_since, c.user_id, c.consented_at
            FROM line_spend s LEFT JOIN spend_limit_consents c ON c.account_id = s.account_id AND c.period = s.period
            WHERE s.account_id = \(bind: accountRowID) AND s.period = \(bind: period.description)
            """).first()
        guard let row else { return nil }
        let consent: SpendConsent? = try row.optional("user_id", as: Int64.self).map { userID in
            SpendConsent(userID: userID, at: Date(storedSeconds: try row.value("consented_at")))
        }
        return LineSpend(
            charged: Money(cents: try row.value("charged_cents")), limit: try row.optional("limit_cents", as: Int64.self).map(Money.init(cents:)),
            overSince: try row.optional("over_since", as: Int64.self).map(Date.init(storedSeconds:)), consent: consent)
    }

    /// Records a consent to go over the limit for a period; false when one was already given.
    package func consent(accountRowID: Int64, period: BillingPeriod, userID: Int64, now: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            INSERT INTO spend_limit_consents (account_id, period, user_id, consented_at)
            VALUES (\(bind: accountRowID), \(bind: period.description), \(bind: userID), \(bind: now.storedSeconds))
            ON CONFLICT DO NOTHING RETURNING user_id
            """).first() != nil
    }

    /// Lines at or past their spend limit in a period, without consent to go over, in Account ID order.
    package func overLimit(period: BillingPeriod, on db: any SQLDatabase) async throws -> [OverLimitLine] {
        try await db.raw("""
            SELECT a.account_id, a.msisdn, s.limit_cents, s.charged_cents, s.over_since
            FROM line_spend s JOIN accounts a ON a.id = s.account_id
            LEFT JOIN spend_limit_consents c ON c.account_id = s.account_id AND c.period = s.period
            WHERE s.period = \(bind: period.description) AND s.over_since IS NOT NULL AND c.account_id IS NULL
            ORDER BY a.account_id
            """).all().map { row in
            OverLimitLine(
                accountID: try row.value("account_id"), msisdn: try row.value("msisdn"), limit: Money(cents: try row.value("limit_cents")),
                charged: Money(cents: try row.value("charged_cents")), since: Date(storedSeconds: try row.value("over_since")))
        }
    }
}

import Foundation
import SelfCareCore
import SelfCareStore

/// A line's alerts as its subscriber sees them: the settings, the levels reached this period and where its spend stands.
package struct UsageAlertStatus: Sendable {
    package var settings: UsageAlertSettings
    package var period: BillingPeriod
    package var reached: [AlertLevel]
    package var spend: LineSpend?
    /// Whether this login may change the spend limit (a company's lines: its administrator only).
    package var mayChangeSpendLimit: Bool

    /// At or past the limit, without consent to go over.
    package var isOverLimit: Bool { spend?.overSince != nil && spend?.consent == nil }
}

/// The alert settings of a line, changed by its subscriber (the spend limit of a company's line by the company's
/// administrator), and the consent to go over the spend limit for a period.
package struct UsageAlertService: Sendable {
    private let database: Database
    private let clock: any WallClock
    private let evaluator: UsageAlertEvaluator
    private let alerts = UsageAlertRepository()

    package init(database: Database, clock: any WallClock, evaluator: UsageAlertEvaluator) {
        self.database = database
        self.clock = clock
        self.evaluator = evaluator
    }

    /// The line's settings (the standard ones until changed) and this period's alerts.
    package func status(of view: AccountView, for identity: AuthenticatedUser) async throws -> UsageAlertStatus {
        let account = view.row
        let period = BillingPeriod(containing: clock.now())
        let (stored, reached, spend, kind) = try await database.read { db in
            (try await alerts.settings(accountRowIDs: [account.id], on: db)[account.id],
             try await alerts.reached(accountRowID: account.id, period: period, on: db),
             try await alerts.spend(accountRowID: account.id, period: period, on: db),
             try await CustomerRepository().client(rowID: account.clientRowID, on: db)?.client.kind)
        }
        return UsageAlertStatus(settings: stored ?? .standard, period: period, reached: reached, spend: spend,
                                mayChangeSpendLimit: Self.mayChangeSpendLimit(identity, clientKind: kind))
    }

    /// Replaces the line's settings after checking them (every field in error named at once, as `FormErrors`), then sends
    /// at once any level the line has already reached.
    package func update(
        _ view: AccountView, thresholds: [Int], channels: [String], spendLimit: String?, by identity: AuthenticatedUser
    ) async throws -> UsageAlertStatus {
        let account = view.row
        let settings = try Self.settings(thresholds: thresholds, channels: channels, spendLimit: spendLimit)
        let current = try await status(of: view, for: identity)
        if settings.spendLimit != current.settings.spendLimit, !current.mayChangeSpendLimit {
            throw ServiceError(field: "spendLimit", messageKey: "error.alerts.spendLimitAdmin", code: "spend_limit_admin_only", kind: .forbidden)
        }
        let now = clock.now()
        try await database.transaction { db in
            try await alerts.save(settings, accountRowID: account.id, userID: identity.user.id, now: now, on: db)
            try await AuditRepository().record(AuditEvent(
                action: .usageAlertsChanged, userID: identity.user.id,
                detail: "account \(account.account.id) thresholds \(settings.thresholds) channels \(settings.channels.map(\.rawValue)) "
                    + "spend limit \(settings.spendLimit?.decimalString ?? "none")",
                occurredAt: now), on: db)
        }
        try await evaluator.evaluate([current.period: [account.id]], now: now)
        return try await status(of: view, for: identity)
    }

    /// Records the login's consent to go over the line's spend limit for this period (once), in the audit trail too.
    package func consentToGoOver(_ view: AccountView, by identity: AuthenticatedUser) async throws -> UsageAlertStatus {
        let account = view.row
        let current = try await status(of: view, for: identity)
        guard current.settings.spendLimit != nil else {
            throw ServiceError(field: nil, messageKey: "error.alerts.noSpendLimit", code: "no_spend_limit", kind: .conflict)
        }
        guard current.mayChangeSpendLimit else {
            throw ServiceError(field: nil, messageKey: "error.alerts.spendLimitAdmin", code: "spend_limit_admin_only", kind: .forbidden)
        }
        let now = clock.now()
        let period = current.period
        try await database.transaction { db in
            if try await alerts.spend(accountRowID: account.id, period: period, on: db) == nil {
                try await alerts.recordSpend(accountRowID: account.id, period: period, charged: .zero,
                                             limit: current.settings.spendLimit, now: now, on: db)
            }
            if try await alerts.consent(accountRowID: account.id, period: period, userID: identity.user.id, now: now, on: db) {
                try await AuditRepository().record(AuditEvent(
                    action: .spendLimitConsent, userID: identity.user.id,
                    detail: "account \(account.account.id) may go over its spend limit in \(period)", occurredAt: now), on: db)
            }
        }
        return try await status(of: view, for: identity)
    }

    /// A company's or a government's lines have their spend limit set by the client's login; an individual's by either.
    static func mayChangeSpendLimit(_ identity: AuthenticatedUser, clientKind: ClientKind?) -> Bool {
        if case .client = identity.user.scope { return true }
        return clientKind == .individual
    }

    /// Thresholds as a form types them (`50, 80 100 %`); a piece that is not a whole number is refused, naming the field.
    package static func thresholds(typed text: String) throws -> [Int] {
        try text.split { $0 == "," || $0 == ";" || $0 == " " || $0 == "%" }.map { piece in
            guard let value = Int(piece) else {
                throw ServiceError.field("thresholds", "error.alerts.thresholdOutOfRange", code: "invalid_thresholds")
            }
            return value
        }
    }

    /// Settings from what a form or the API sent; the spend limit as a decimal amount in MUR. Every field in error is
    /// named at once.
    static func settings(thresholds: [Int], channels: [String], spendLimit: String?) throws(FormErrors) -> UsageAlertSettings {
        let (limit, errors) = check(thresholds: thresholds, channels: channels, spendLimit: spendLimit)
        guard errors.isEmpty, let settings = try? UsageAlertSettings(thresholds: thresholds, channels: channels, spendLimit: limit) else {
            throw FormErrors(errors: errors)
        }
        return settings
    }

    /// What is wrong with the channels and spend limit a form sent whose thresholds could not be read.
    package static func otherProblems(channels: [String], spendLimit: String?) -> [ServiceError] {
        check(thresholds: [], channels: channels, spendLimit: spendLimit).errors
    }

    private static func check(thresholds: [Int], channels: [String], spendLimit: String?) -> (limit: Money?, errors: [ServiceError]) {
        var limit: Money?
        var errors: [ServiceError] = []
        if let text = spendLimit?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if let amount = try? Money(decimal: text) {
                limit = amount
            } else {
                errors.append(.field("spendLimit", "error.alerts.spendLimitAmount", code: "invalid_amount"))
            }
        }
        let rules = UsageAlertSettings.problems(thresholds: thresholds, channels: channels, spendLimit: limit).map { problem in
            ServiceError.field(problem.field, "error.alerts.\(problem.reason.rawValue)", code: "invalid_\(problem.field)")
        }
        return (limit, rules.filter { $0.field != "spendLimit" } + errors + rules.filter { $0.field == "spendLimit" })
    }
}

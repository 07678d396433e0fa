import SelfCareCore
import SelfCareServices

/// A line's alerts: thresholds on its allowances, the channels, the spend limit, what this period has reached and the
/// consent to go over the limit.
struct AlertsPage: Sendable {
    let account: AccountSummary
    let period: String
    let thresholds: String
    let sms: Bool
    let email: Bool
    let spendLimit: String
    let mayChangeSpendLimit: Bool
    let reached: [String]
    let hasReached: Bool
    let spend: SpendSummary?
    /// The settings were just saved.
    let saved: Bool
}

/// Where a line's out-of-bundle spend stands against its limit this period.
struct SpendSummary: Sendable {
    let charged: String
    let limit: String
    let percent: Int
    let high: Bool
    let overLimit: Bool
    /// When and that consent to go over was given, in words.
    let consent: String?
    let mayConsent: Bool
}

extension AlertsPage {
    init(_ account: AccountView, status: UsageAlertStatus, form: AlertsForm?, saved: Bool, _ language: Language, _ localizer: Localizer) {
        let settings = status.settings
        let limit = settings.spendLimit
        let spend = limit.map { limit -> SpendSummary in
            let charged = status.spend?.charged ?? .zero
            let percent = limit.cents > 0 ? Int(min(charged.cents * 100 / limit.cents, 100)) : 0
            return SpendSummary(
                charged: charged.formatted(language), limit: limit.formatted(language), percent: percent, high: percent >= 80,
                overLimit: status.isOverLimit,
                consent: status.spend?.consent.map { localizer.text("alerts.consented", language, ["at": DisplayFormat.moment($0.at, language)]) },
                mayConsent: status.isOverLimit && status.mayChangeSpendLimit)
        }
        self.init(
            account: AccountSummary(account), period: DisplayFormat.period(status.period, language),
            thresholds: form?.thresholds ?? settings.thresholds.map(String.init).joined(separator: ", "),
            sms: form?.sms ?? settings.channels.contains(.sms), email: form?.email ?? settings.channels.contains(.email),
            spendLimit: form?.spendLimit ?? limit?.decimalString ?? "", mayChangeSpendLimit: status.mayChangeSpendLimit,
            reached: status.reached.map { level in
                localizer.text("alerts.level.\(level.subject.rawValue)", language, ["percent": "\(level.percent)"])
            },
            hasReached: !status.reached.isEmpty, spend: spend, saved: saved)
    }
}

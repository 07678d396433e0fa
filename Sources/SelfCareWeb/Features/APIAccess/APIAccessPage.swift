import Foundation
import SelfCareCore
import SelfCareServices

/// The login's personal API tokens and event subscriptions: the token just created (shown this once), the form to
/// create another, both lists, and what the last revocation ended.
struct APIAccessPage: Sendable {
    let created: CreatedToken?
    let notice: APIAccessNotice?
    let name: String
    let billsRead: Bool
    let usageRead: Bool
    let paymentsWrite: Bool
    let eventsWrite: Bool
    let tokens: [TokenRow]
    let hasTokens: Bool
    let subscriptions: [SubscriptionRow]
    let hasSubscriptions: Bool
}

/// What the page says after a revocation, an ended or a resumed subscription.
struct APIAccessNotice: Sendable {
    let text: String
    let detail: String?
    let callbacks: [String]
    let hasCallbacks: Bool

    init(text: String, detail: String? = nil, callbacks: [String] = []) {
        self.text = text
        self.detail = detail
        self.callbacks = callbacks
        hasCallbacks = !callbacks.isEmpty
    }
}

/// A token just created, with its secret.
struct CreatedToken: Sendable {
    let name: String
    let token: String
}

/// A token of the list: never its secret.
struct TokenRow: Sendable {
    let id: String
    let name: String
    let scopes: String
    let created: String
    let lastUsed: String
}

/// An event subscription of the list: never its secret.
struct SubscriptionRow: Sendable {
    let id: String
    let callback: String
    let events: String
    let madeBy: String
    let lastDelivery: String
    let status: String
    let paused: Bool
}

extension APIAccessPage {
    init(
        tokens: [APITokenView], subscriptions: [SubscriptionView], created: IssuedAPIToken?, form: APITokenForm?,
        notice: APIAccessNotice?, _ language: Language, _ localizer: Localizer
    ) {
        self.init(
            created: created.map { CreatedToken(name: $0.stored.name, token: $0.token) },
            notice: notice,
            name: form?.name ?? "", billsRead: form?.billsRead ?? true, usageRead: form?.usageRead ?? true,
            paymentsWrite: form?.paymentsWrite ?? false, eventsWrite: form?.eventsWrite ?? false,
            tokens: tokens.map { token in
                TokenRow(
                    id: token.id, name: token.name, scopes: token.scopes.joined(separator: ", "),
                    created: DisplayFormat.moment(token.createdAt, language),
                    lastUsed: token.lastUsedAt.map { DisplayFormat.moment($0, language) } ?? localizer.text("apiAccess.never", language))
            },
            hasTokens: !tokens.isEmpty,
            subscriptions: subscriptions.map { SubscriptionRow($0, language, localizer) },
            hasSubscriptions: !subscriptions.isEmpty)
    }
}

extension SubscriptionRow {
    init(_ subscription: SubscriptionView, _ language: Language, _ localizer: Localizer) {
        let lastDelivery = subscription.lastAttemptAt.map { moment in
            DisplayFormat.moment(moment, language) + (subscription.lastOutcome.map { " — " + HubOutcomeText.text($0, language, localizer: localizer) } ?? "")
        }
        self.init(
            id: subscription.id, callback: subscription.callback, events: subscription.eventTypes.joined(separator: ", "),
            madeBy: subscription.tokenID == nil
                ? localizer.text("apiAccess.session", language) : (subscription.tokenName ?? subscription.tokenID ?? ""),
            lastDelivery: lastDelivery ?? localizer.text("apiAccess.never", language),
            status: subscription.pausedAt.map { localizer.text("apiAccess.paused", language, ["since": DisplayFormat.moment($0, language)]) }
                ?? localizer.text("apiAccess.active", language),
            paused: subscription.pausedAt != nil)
    }
}

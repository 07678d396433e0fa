import SelfCareCore
import SelfCareServices
import SelfCareStore

/// The login's personal API tokens: the one just created (shown this once), the form to create another, the list.
struct APIAccessPage: Sendable {
    let created: CreatedToken?
    let name: String
    let billsRead: Bool
    let usageRead: Bool
    let paymentsWrite: Bool
    let tokens: [TokenRow]
    let hasTokens: Bool
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

extension APIAccessPage {
    init(tokens: [StoredAPIToken], created: IssuedAPIToken?, form: APITokenForm?, _ language: Language, _ localizer: Localizer) {
        self.init(
            created: created.map { CreatedToken(name: $0.stored.name, token: $0.token) },
            name: form?.name ?? "", billsRead: form?.billsRead ?? true, usageRead: form?.usageRead ?? true,
            paymentsWrite: form?.paymentsWrite ?? false,
            tokens: tokens.map { token in
                TokenRow(
                    id: token.id, name: token.name, scopes: token.scopes.joined(separator: ", "),
                    created: DisplayFormat.moment(token.createdAt, language),
                    lastUsed: token.lastUsedAt.map { DisplayFormat.moment($0, language) } ?? localizer.text("apiAccess.never", language))
            },
            hasTokens: !tokens.isEmpty)
    }
}

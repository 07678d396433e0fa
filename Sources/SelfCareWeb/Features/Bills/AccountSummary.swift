import SelfCareCore
import SelfCareServices

/// The account a page is about, as its heading and links show it.
struct AccountSummary: Sendable {
    let accountId: String
    let accountIdGrouped: String
    let msisdn: String
}

extension AccountSummary {
    init(_ account: AccountView) {
        self.init(
            accountId: account.account.id.rawValue, accountIdGrouped: account.account.id.grouped,
            msisdn: account.account.line.msisdn.formatted)
    }
}

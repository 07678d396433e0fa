import Hummingbird
import SelfCareCore
import SelfCareStore

/// The logged-in home: who is logged in and which accounts the login opens.
struct AccountPagesController {
    let pages: PageRenderer
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/account") { request, context -> Response in
            guard let identity = context.identity else { return .seeOther("/login") }
            let accounts = try await database.read { db -> [StoredAccount] in
                switch identity.user.scope {
                case .account(let rowID): try await CustomerRepository().account(rowID: rowID, on: db).map { [$0] } ?? []
                case .client(let rowID): try await CustomerRepository().accounts(ofClient: rowID, on: db)
                }
            }
            let rows: [[String: String]] = accounts.map {
                ["accountId": $0.account.id.grouped, "msisdn": $0.account.line.msisdn.formatted, "plan": $0.account.line.planCode]
            }
            let values: [String: Any] = ["name": identity.user.fullName, "accounts": rows, "accountCount": accounts.count]
            return try pages.page("account", titleKey: "account.title", request: request, context: context, values: values)
                .response(from: request, context: context)
        }
    }
}

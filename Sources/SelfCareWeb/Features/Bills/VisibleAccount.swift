import Hummingbird
import SelfCareServices

extension AccountService {
    /// The account a page route's `accountId` names, if the login may see it; 404 otherwise (and audited).
    func visibleAccount(_ context: AppRequestContext, _ identity: AuthenticatedUser) async throws -> AccountView {
        guard let account = try await account(try context.parameters.require("accountId"), for: identity) else {
            throw HTTPError(.notFound)
        }
        return account
    }
}

import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices

/// The JSON API of accounts, usage, bills and group bills (CONTRACT §6), shaped after TM Forum TMF666, TMF635
/// and TMF678. Every answer is scoped to the Bearer token's login; anything else is 404.
struct BillingAPIController {
    let accounts: AccountService
    let bills: BillService
    let usage: UsageService
    let documents: DocumentService
    let clock: any WallClock

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("billingAccount", use: listBillingAccounts)
        router.get("billingAccount/{id}", use: billingAccount)
        router.get("usage", use: listUsage)
        router.get("usageSummary", use: usageSummary)
        router.get("customerBill", use: listCustomerBills)
        router.get("customerBill/{id}", use: customerBill)
        router.get("customerBill/{id}/document", use: customerBillDocument)
        router.get("groupBill", use: listGroupBills)
        router.get("groupBill/{id}", use: groupBill)
        router.get("groupBill/{id}/document", use: groupBillDocument)
    }

    // MARK: - Routes

    @Sendable func listBillingAccounts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let (offset, limit) = try paging(request, defaultLimit: 1000)
        let (rows, total) = try await accounts.balances(identity, search: "", offset: offset, limit: limit)
        var response = try JSONResponse.make(rows.map(APIBillingAccount.init))
        response.headers[.init("X-Total-Count")!] = String(total)
        return response
    }

    @Sendable func billingAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        guard let account = try await accounts.account(try context.parameters.require("id"), for: identity) else { throw notFound }
        let (rows, _) = try await accounts.balances(identity, search: account.account.id.rawValue, offset: 0, limit: 1000)
        guard let balance = rows.first(where: { $0.account.account.id == account.account.id }) else { throw notFound }
        return try JSONResponse.make(APIBillingAccount(balance))
    }

    @Sendable func listUsage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let account = try await accountParameter(request, identity)
        let query = request.uri.queryParameters
        let today = CalendarDay(containing: clock.now())
        let from = try query.get("from").map { try day($0, name: "from") } ?? today.period.firstDay
        let to = try query.get("to").map { try day($0, name: "to") } ?? today
        let (offset, limit) = try paging(request, defaultLimit: 100)
        // A bounded range, checked before any record is read: at most 13 periods, none in the future.
        guard from <= to else { throw APIError(status: .badRequest, code: "invalid_range", key: "fromAfterTo", field: "from") }
        guard to <= today else {
            throw APIError(status: .badRequest, code: "invalid_range", key: "toInFuture", values: ["today": today.description], field: "to")
        }
        let months = (to.year - from.year) * 12 + to.month - from.month + 1
        guard months <= UsageService.maximumUsagePeriods else {
            throw APIError(status: .badRequest, code: "invalid_range", key: "rangeTooLong",
                           values: ["most": String(UsageService.maximumUsagePeriods), "months": String(months)], field: "from")
        }
        let (records, total) = try await usage.usagePage(of: account, from: from, to: to, offset: offset, limit: limit)
        var response = try JSONResponse.make(records.map { APIUsage($0.usage, accountID: account.account.id, billed: $0.billed) })
        response.headers[.init("X-Total-Count")!] = String(total)
        return response
    }

    @Sendable func usageSummary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let account = try await accountParameter(request, identity)
        let consumption = try await usage.consumption(of: account)
        return try JSONResponse.make(APIUsageSummary(account: account, consumption: consumption))
    }

    @Sendable func listCustomerBills(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let query = request.uri.queryParameters
        let account = query.get("billingAccount.id") == nil ? nil : try await accountParameter(request, identity)
        var state: BillState?
        if let text = query.get("state") {
            guard let parsed = BillState(rawValue: text) else {
                throw APIError(status: .badRequest, code: "invalid_state", key: "billState")
            }
            state = parsed
        }
        let (offset, limit) = try paging(request, defaultLimit: 100)
        let bills = try await self.bills.bills(identity, account: account, state: state, offset: offset, limit: limit)
        return try JSONResponse.make(bills.map { CustomerBillResource($0, lines: nil) })
    }

    @Sendable func customerBill(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        guard let (bill, lines) = try await self.bills.bill(try context.parameters.require("id"), for: identity) else { throw notFound }
        return try JSONResponse.make(CustomerBillResource(bill, lines: lines))
    }

    @Sendable func customerBillDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        guard let document = try await documents.bill(
            try context.parameters.require("id"), format: try format(request), language: context.language, for: identity)
        else { throw notFound }
        return DocumentResponse.make(document)
    }

    @Sendable func listGroupBills(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try await clientLogin(context)
        let groups = try await self.bills.groupBills(identity, period: request.uri.queryParameters.get("period"))
        return try JSONResponse.make(groups.map { APIGroupBill($0, members: nil) })
    }

    @Sendable func groupBill(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try await clientLogin(context)
        guard let (group, members) = try await self.bills.groupBill(try context.parameters.require("id"), for: identity) else { throw notFound }
        return try JSONResponse.make(APIGroupBill(group, members: members))
    }

    @Sendable func groupBillDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try await clientLogin(context)
        guard let document = try await documents.groupBill(
            try context.parameters.require("id"), format: try format(request), language: context.language, for: identity)
        else { throw notFound }
        return DocumentResponse.make(document)
    }

    private var notFound: APIError { APIError(status: .notFound, code: "not_found", key: "notFound") }

    private func clientLogin(_ context: AppRequestContext) async throws -> AuthenticatedUser {
        let identity = try context.apiIdentity()
        guard identity.isCompanyLogin else {
            try await accounts.recordDenied(identity, "group bills (Account ID login)")
            throw APIError(status: .forbidden, code: "client_login_required", key: "clientLoginRequired")
        }
        return identity
    }

    /// `billingAccount.id`, or the login's own account when it has just one.
    private func accountParameter(_ request: Request, _ identity: AuthenticatedUser) async throws -> AccountView {
        if let text = request.uri.queryParameters.get("billingAccount.id") {
            guard let account = try await accounts.account(text, for: identity) else { throw notFound }
            return account
        }
        if let own = try await accounts.ownAccount(identity) { return own }
        throw APIError(status: .badRequest, code: "missing_parameter", key: "accountRequired", field: "billingAccount.id")
    }

    private func day(_ text: String, name: String) throws -> CalendarDay {
        if let day = try? CalendarDay(String(text.prefix(10))) { return day }
        throw APIError(status: .badRequest, code: "invalid_parameter", key: "date", values: ["name": name], field: name)
    }

    private func format(_ request: Request) throws -> DocumentFormat {
        guard let format = DocumentFormat(rawValue: request.uri.queryParameters.get("format") ?? "pdf") else {
            throw APIError(status: .badRequest, code: "invalid_parameter", key: "formatPDFOrCSV", field: "format")
        }
        return format
    }
}

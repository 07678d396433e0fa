import Hummingbird
import SelfCareCore
import SelfCareServices

/// A line's alerts page: thresholds, channels and spend limit changed in a form, and the consent to go over the limit.
struct AlertsPagesController {
    let pages: PageRenderer
    let accounts: AccountService
    let alerts: UsageAlertService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/accounts/{accountId}/alerts", use: show)
        router.post("/accounts/{accountId}/alerts", use: save)
        router.post("/accounts/{accountId}/alerts/consent", use: consent)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let account = try await accounts.visibleAccount(context, identity)
        let status = try await alerts.status(of: account, for: identity)
        let saved = request.uri.queryParameters.get("saved") == "1"
        return try page(account, status: status, form: nil, saved: saved, errors: [], request: request, context: context)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let account = try await accounts.visibleAccount(context, identity)
        let form = try context.decodeForm(AlertsForm.self)
        let current = try await alerts.status(of: account, for: identity)
        do {
            let thresholds = try UsageAlertService.thresholds(typed: form.thresholds)
            // A login that may not change the spend limit is shown it without a field: it keeps what it was.
            let spendLimit = current.mayChangeSpendLimit ? form.spendLimit : current.settings.spendLimit?.decimalString
            _ = try await alerts.update(account, thresholds: thresholds, channels: form.channels, spendLimit: spendLimit, by: identity)
            return .seeOther("/accounts/\(account.account.id.rawValue)/alerts?saved=1")
        } catch let error as ServiceError {
            // Thresholds that are not numbers: the other fields are checked all the same, so every error shows at once.
            let others = error.field == "thresholds"
                ? UsageAlertService.otherProblems(channels: form.channels, spendLimit: current.mayChangeSpendLimit ? form.spendLimit : nil) : []
            return try page(account, status: current, form: form, saved: false, errors: [error] + others, request: request, context: context,
                            status: error.kind == .forbidden ? .forbidden : .unprocessableContent)
        } catch let errors as FormErrors {
            return try page(account, status: current, form: form, saved: false, errors: errors.errors, request: request, context: context,
                            status: .unprocessableContent)
        }
    }

    @Sendable func consent(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let account = try await accounts.visibleAccount(context, identity)
        do {
            _ = try await alerts.consentToGoOver(account, by: identity)
            return .seeOther("/accounts/\(account.account.id.rawValue)/alerts")
        } catch let error as ServiceError {
            let current = try await alerts.status(of: account, for: identity)
            return try page(account, status: current, form: nil, saved: false, errors: [error], request: request, context: context,
                            status: error.kind == .forbidden ? .forbidden : .conflict)
        }
    }

    private func page(
        _ account: AccountView, status: UsageAlertStatus, form: AlertsForm?, saved: Bool, errors: [ServiceError], request: Request,
        context: AppRequestContext, status code: HTTPResponse.Status = .ok
    ) throws -> Response {
        let model = AlertsPage(account, status: status, form: form, saved: saved, context.language, pages.localizer)
        return try pages.page("alerts", titleKey: "alerts.title", request: request, context: context, model: model,
                              errors: pages.fieldErrors(errors, context.language), status: code)
            .response(from: request, context: context)
    }
}

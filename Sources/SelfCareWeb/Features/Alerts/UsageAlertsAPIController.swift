import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices

/// Spend control in the API (CONTRACT §9): a line's usage alerts and spend limit, the consent to go over it, and the
/// TMF677 usage consumption with the forecast of the bill.
struct UsageAlertsAPIController {
    let accounts: AccountService
    let usage: UsageService
    let clock: any WallClock
    let alerts: UsageAlertService
    let localizer: Localizer

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("billingAccount/{id}/usageAlerts", use: showAlerts)
        router.put("billingAccount/{id}/usageAlerts", use: changeAlerts)
        router.post("billingAccount/{id}/spendLimitConsent", use: consentToGoOver)
        router.get("usageConsumption", use: usageConsumption)
    }

    @Sendable func showAlerts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let account = try await account(context, identity)
        return try JSONResponse.make(APIUsageAlerts(account: account, status: try await alerts.status(of: account, for: identity)))
    }

    @Sendable func changeAlerts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let account = try await account(context, identity)
        let body = try await APIRequestBody.decode(APIUsageAlerts.Body.self, request, invalidStatus: .unprocessableContent)
        if let unit = body.spendLimit?.unit, unit != Money.currency {
            throw APIError(status: .unprocessableContent, code: "invalid_spendLimit", key: "currency", values: ["currency": Money.currency],
                           field: "spendLimit.unit")
        }
        do {
            let status = try await alerts.update(
                account, thresholds: body.thresholds, channels: body.channels, spendLimit: body.spendLimit?.value, by: identity)
            return try JSONResponse.make(APIUsageAlerts(account: account, status: status))
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        } catch let errors as FormErrors {
            throw APIError(errors.errors[0], localizer: localizer, language: context.language)
        }
    }

    @Sendable func consentToGoOver(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let account = try await account(context, identity)
        do {
            let status = try await alerts.consentToGoOver(account, by: identity)
            return try JSONResponse.make(APIUsageAlerts(account: account, status: status), status: .created)
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        }
    }

    @Sendable func usageConsumption(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let account: AccountView
        if let text = request.uri.queryParameters.get("billingAccount.id") {
            guard let found = try await accounts.account(text, for: identity) else { throw Self.notFound }
            account = found
        } else if let own = try await accounts.ownAccount(identity) {
            account = own
        } else {
            throw APIError(status: .badRequest, code: "missing_parameter", key: "accountRequired", field: "billingAccount.id")
        }
        let consumption = try await usage.consumption(of: account)
        return try JSONResponse.make(APIUsageConsumption(
            account: account, consumption: consumption, forecast: usage.forecast(consumption), now: clock.now()))
    }

    private func account(_ context: AppRequestContext, _ identity: AuthenticatedUser) async throws -> AccountView {
        guard let account = try await accounts.account(try context.parameters.require("id"), for: identity) else { throw Self.notFound }
        return account
    }

    private static let notFound = APIError(status: .notFound, code: "not_found", key: "notFound")
}

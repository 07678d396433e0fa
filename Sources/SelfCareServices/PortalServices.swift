import Foundation
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore

/// What the portal's use cases are built from: the outside world (clock, card gateway, KDF cost) and the settings
/// that shape them.
package struct PortalServiceSettings: Sendable {
    package var clock: any WallClock
    package var scrypt: ScryptParameters
    package var loginThrottling: LoginThrottlePolicy
    /// One-time codes: their length, life, tries and the caps on sending them.
    package var codePolicy = OneTimeCodePolicy()
    package var branding: Branding
    /// The address users reach the portal at; links in messages and gateway return URLs use it.
    package var publicURL: String
    /// Origins an API payment may send the payer back to.
    package var returnOrigins: Set<String>
    /// `SELFCARE_CODE_KEY` and `SELFCARE_CLIENT_ID_KEY`, when configured; else each database keeps generated ones.
    package var codeKey: String?
    package var clientIDKey: String?
    package var gateway: any CardGateway
    package var webhookSecret: String
    package var logger: Logger
    /// API requests a login may make per minute, its sessions and personal tokens together.
    package var apiRequestsPerMinute: Int
    /// Where event subscriptions may send their calls.
    package var callbackPolicy: CallbackPolicy
    /// Sends the calls of event subscriptions, each to the address its policy checked.
    package var callbackPoster: any CallbackPosting

    package init(
        clock: any WallClock, scrypt: ScryptParameters, loginThrottling: LoginThrottlePolicy, branding: Branding, publicURL: String,
        returnOrigins: Set<String>, codeKey: String?, clientIDKey: String?, gateway: any CardGateway, webhookSecret: String, logger: Logger,
        apiRequestsPerMinute: Int = 120, callbackPolicy: CallbackPolicy = CallbackPolicy(production: false),
        callbackPoster: any CallbackPosting = PinnedCallbackClient()
    ) {
        self.apiRequestsPerMinute = apiRequestsPerMinute
        self.callbackPolicy = callbackPolicy
        self.callbackPoster = callbackPoster
        self.clock = clock
        self.scrypt = scrypt
        self.loginThrottling = loginThrottling
        self.branding = branding
        self.publicURL = publicURL
        self.returnOrigins = returnOrigins
        self.codeKey = codeKey
        self.clientIDKey = clientIDKey
        self.gateway = gateway
        self.webhookSecret = webhookSecret
        self.logger = logger
    }
}

/// Every use case of the portal over one database, wired once.
package struct PortalServices: Sendable {
    package let database: Database
    package let clock: any WallClock
    package let localizer: Localizer
    package let registrations: RegistrationService
    package let authentication: AuthenticationService
    package let resets: PasswordResetService
    package let accounts: AccountService
    package let bills: BillService
    package let usage: UsageService
    package let documents: DocumentService
    package let payments: PaymentService
    package let alerts: UsageAlertService
    package let apiTokens: APITokenService
    /// Each login's budget of API requests.
    package let apiRequests: APIRequestLimiter
    package let hub: HubService
    /// Sends queued events to their subscriptions.
    package let hubDeliveries: HubDeliveryWorker
    /// Checks lines against their usage alerts once usage arrives.
    package let alertEvaluator: UsageAlertEvaluator
    /// The receipt PDF a receipt e-mail carries.
    package let receiptAttachments: ReceiptAttachments

    package init(database: Database, settings: PortalServiceSettings) async throws {
        self.database = database
        let clock = settings.clock
        self.clock = clock
        let localizer = try Localizer.bundled()
        self.localizer = localizer
        let now = clock.now()
        let codeKey = try await Self.codeKey(settings.codeKey, database: database, now: now)
        let clientIDKey = try await ClientIDKeyring(database: database).key(configured: settings.clientIDKey, now: now)
        let directory = IdentityDirectory(clientIDKey: clientIDKey)
        let branding = settings.branding
        let codes = OneTimeCodes(policy: settings.codePolicy, key: codeKey, operatorName: branding.operatorName, helpline: branding.helpline)
        let hasher = PasswordHasher(parameters: settings.scrypt)
        let passwordCheck = NewPasswordCheck(policy: .standard, directory: directory, operatorName: branding.operatorName)
        registrations = RegistrationService(
            database: database, clock: clock, codes: codes, hasher: hasher, passwordCheck: passwordCheck, branding: branding,
            publicURL: settings.publicURL, directory: directory)
        authentication = AuthenticationService(
            database: database, clock: clock, hasher: hasher, directory: directory, throttling: settings.loginThrottling)
        resets = PasswordResetService(
            database: database, clock: clock, codes: codes, hasher: hasher, passwordCheck: passwordCheck, branding: branding,
            directory: directory)
        accounts = AccountService(database: database, clock: clock)
        bills = BillService(database: database, clock: clock)
        usage = UsageService(database: database, clock: clock)
        payments = PaymentService(
            database: database, clock: clock, gateway: settings.gateway, webhookSecret: settings.webhookSecret,
            publicURL: settings.publicURL, returnOrigins: settings.returnOrigins, returnKey: codeKey, branding: branding,
            logger: settings.logger)
        alertEvaluator = UsageAlertEvaluator(database: database, operatorName: branding.operatorName, portalURL: settings.publicURL)
        alerts = UsageAlertService(database: database, clock: clock, evaluator: alertEvaluator)
        apiTokens = APITokenService(database: database, clock: clock)
        apiRequests = APIRequestLimiter(database: database, clock: clock, requestsPerWindow: settings.apiRequestsPerMinute)
        hub = HubService(database: database, clock: clock, policy: settings.callbackPolicy)
        hubDeliveries = HubDeliveryWorker(
            database: database, clock: clock, poster: settings.callbackPoster, policy: settings.callbackPolicy, logger: settings.logger,
            operatorName: branding.operatorName, portalURL: settings.publicURL)
        documents = DocumentService(
            database: database, bills: bills, usage: usage, payments: payments, branding: branding, publicURL: settings.publicURL,
            localizer: localizer)
        receiptAttachments = ReceiptAttachments(database: database, payments: payments, documents: documents)
    }

    /// The key one-time codes are hashed with: the configured one (production requires it), else one generated once per
    /// database and shared by its instances.
    private static func codeKey(_ configured: String?, database: Database, now: Date) async throws -> String {
        if let configured { return configured }
        return try await database.transaction { db in
            try await AppSecretRepository().secret(named: "oneTimeCodeKey", now: now, generate: { SecretTokens.random() }, on: db)
        }
    }
}

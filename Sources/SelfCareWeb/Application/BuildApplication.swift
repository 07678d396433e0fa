import Foundation
import Hummingbird
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore
import ServiceLifecycle

/// The composition root shared by the executable and the tests: opens and migrates the database, wires the
/// services, controllers and middleware, and returns the application ready to run.
package func buildApplication(
    configuration: AppConfiguration, logger: Logger, dependencies: AppDependencies = AppDependencies()
) async throws -> some ApplicationProtocol {
    let database = try await Database.open(configuration.database, logger: logger)
    try await Migrator(database: database).migrate()
    let portal = try await Portal(configuration: configuration, database: database, dependencies: dependencies, logger: logger)
    var services: [any Service] = [DatabaseService(database: database)] + dependencies.companionServices
    if dependencies.runsOutboxWorker {
        // Services stop in reverse order: the SMSC link outlives the worker that sends over it.
        if let smpp = portal.smppClient { services.append(SMPPLinkService(client: smpp)) }
        services.append(OutboxWorkerService(worker: portal.outboxWorker))
        services.append(PaymentReconcilerService(payments: portal.payments))
    }
    return Application(
        router: try await portal.router(),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SelfCare"),
        services: services,
        logger: logger)
}

/// The resources folder bundled with the module (templates, locales, assets).
package let webResources: URL = Bundle.module.url(forResource: "Resources", withExtension: nil)!

/// The portal's services over one database: what the controllers and the background worker use.
package struct Portal: Sendable {
    package let configuration: AppConfiguration
    package let database: Database
    package let registrations: RegistrationService
    package let authentication: AuthenticationService
    package let resets: PasswordResetService
    package let subscribers: SubscriberService
    package let payments: PaymentService
    package let outboxWorker: OutboxWorker
    let clock: any WallClock
    /// The SMSC link when SMS go over SMPP.
    package let smppClient: SMPPClient?
    let pages: PageRenderer
    let cookies: CookieSettings

    package init(configuration: AppConfiguration, database: Database, dependencies: AppDependencies, logger: Logger) async throws {
        self.configuration = configuration
        self.database = database
        let clock = dependencies.clock
        self.clock = clock
        pages = try await PageRenderer(resources: webResources, branding: configuration.branding)
        let codeKey = try await Self.codeKey(database: database, now: clock.now())
        let codes = OneTimeCodes(policy: OneTimeCodePolicy(), key: codeKey, engine: database.engine,
                                 operatorName: configuration.branding.operatorName)
        let hasher = PasswordHasher(parameters: dependencies.scrypt)
        let policy = PasswordPolicy.standard
        registrations = RegistrationService(
            database: database, clock: clock, codes: codes, hasher: hasher, passwordPolicy: policy, branding: configuration.branding,
            publicURL: configuration.publicURL)
        authentication = AuthenticationService(database: database, clock: clock, hasher: hasher)
        resets = PasswordResetService(
            database: database, clock: clock, codes: codes, hasher: hasher, passwordPolicy: policy, branding: configuration.branding)
        subscribers = SubscriberService(database: database, clock: clock, branding: configuration.branding, publicURL: configuration.publicURL)
        let gateway: any CardGateway = dependencies.cardGateway
            ?? configuration.gateway.map { HTTPCardGateway(baseURL: $0.url, secretKey: $0.secretKey) }
            ?? UnavailableGateway()
        payments = PaymentService(
            database: database, clock: clock, gateway: gateway, webhookSecret: configuration.gateway?.webhookSecret ?? "",
            publicURL: configuration.publicURL, branding: configuration.branding, logger: logger)
        let smppClient = configuration.smpp.map { settings in
            SMPPClient(configuration: .init(settings), receipts: OutboxReceiptRecorder(database: database, clock: clock), logger: logger)
        }
        self.smppClient = dependencies.messageSender == nil ? smppClient : nil
        let attachments = ReceiptAttachments(database: database, payments: payments, localizer: pages.localizer)
        let sender = dependencies.messageSender ?? Self.sender(
            for: configuration, smpp: smppClient, attachments: attachments, clock: clock, logger: logger)
        outboxWorker = OutboxWorker(database: database, sender: sender, clock: clock, logger: logger)
        cookies = CookieSettings(secure: configuration.usesHTTPS)
    }

    /// The router with every route and middleware.
    package func router() async throws -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware(
            strictTransportSecurity: configuration.usesHTTPS, formTargets: configuration.gateway.map { [$0.url] } ?? []))
        router.add(middleware: ErrorPageMiddleware(pages: pages))
        router.add(middleware: FileMiddleware(
            webResources.appendingPathComponent("assets").path, urlBasePath: "/assets", searchForIndexHtml: false))
        router.add(middleware: LanguageMiddleware(secureCookies: configuration.usesHTTPS))
        router.add(middleware: CSRFMiddleware(cookies: cookies))
        router.add(middleware: SessionMiddleware(authentication: authentication, cookies: cookies))
        HealthController(database: database).addRoutes(to: router)
        MetricsController(database: database, clock: clock, mode: configuration.mode, token: configuration.metricsToken).addRoutes(to: router)
        HomeController(pages: pages).addRoutes(to: router)
        InfoPagesController(pages: pages, termsVersion: configuration.branding.termsVersion).addRoutes(to: router)
        RegistrationPagesController(pages: pages, registrations: registrations).addRoutes(to: router)
        LoginPagesController(pages: pages, authentication: authentication, resets: resets, cookies: cookies).addRoutes(to: router)
        SubscriberPagesController(pages: pages, subscribers: subscribers).addRoutes(to: router)
        NotificationPagesController(pages: pages, subscribers: subscribers).addRoutes(to: router)
        NotificationAPIController(subscribers: subscribers).addRoutes(to: router)
        try OpenAPIController().addRoutes(to: router)
        PaymentPagesController(pages: pages, payments: payments).addRoutes(to: router)
        PaymentAPIController(payments: payments, pages: pages).addRoutes(to: router)
        WebhookController(payments: payments).addRoutes(to: router)
        BillingAPIController(subscribers: subscribers, localizer: pages.localizer).addRoutes(to: router)
        AuthAPIController(registrations: registrations, authentication: authentication, resets: resets, localizer: pages.localizer)
            .addRoutes(to: router)
        if configuration.mode == .development {
            DevMessagesController(database: database).addRoutes(to: router)
        }
        return router
    }

    /// The key one-time codes are hashed with: `SELFCARE_CODE_KEY` when set, else one generated once per database.
    private static func codeKey(database: Database, now: Date) async throws -> String {
        if let key = ProcessInfo.processInfo.environment["SELFCARE_CODE_KEY"], key.count >= 32 { return key }
        return try await database.transaction { db in
            try await AppSecretRepository().secret(named: "oneTimeCodeKey", now: now, generate: { SecretTokens.random() }, on: db)
        }
    }

    /// SMS over SMPP when `SMPP_HOST` is set and e-mail over SMTP when `SMTP_HOST` is set, in any mode; otherwise
    /// the dev sink (production refuses to start without both).
    private static func sender(
        for configuration: AppConfiguration, smpp: SMPPClient?, attachments: any MailAttachmentProvider, clock: any WallClock, logger: Logger
    ) -> any MessageSender {
        let sink = DevMessageSink(logger: logger)
        let email: any MessageSender = configuration.smtp.map { settings in
            SMTPClient(configuration: .init(settings, operatorName: configuration.branding.operatorName), attachments: attachments,
                       clock: clock, logger: logger)
        } ?? sink
        return ChannelRouter(sms: smpp ?? sink, email: email)
    }
}

extension SMPPClient.Configuration {
    init(_ settings: SMPPSettings) {
        self.init(host: settings.host, port: settings.port, systemID: settings.systemID, password: settings.password,
                  sourceAddress: settings.sourceAddress)
        bindMode = settings.bindMode == "transmitter" ? .transmitter : .transceiver
        referenceTag = settings.referenceTag
    }
}

extension SMTPClient.Configuration {
    init(_ settings: SMTPSettings, operatorName: String) {
        self.init(host: settings.host, port: settings.port, username: settings.username, password: settings.password,
                  from: settings.from, fromName: "\(operatorName) SelfCare", tls: settings.startTLS ? .required : .whenOffered,
                  trustedCertificatesFile: settings.trustedCertificatesFile)
    }
}

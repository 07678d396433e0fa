import Foundation
import Hummingbird
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCareServices

import SelfCarePayments
import SelfCareStore
import ServiceLifecycle
import Tracing

/// The composition root shared by the executable and the tests: opens and migrates the database, wires the
/// services, controllers and middleware, and returns the application ready to run.
package func buildApplication(
    configuration: AppConfiguration, logger: Logger, dependencies: AppDependencies = AppDependencies()
) async throws -> some ApplicationProtocol {
    let tracing = try configuration.tracing.map { try PortalTracing($0, logger: logger) }
    let database = try await Database.open(configuration.database, logger: logger, tracer: tracing?.tracer)
    let portal: Portal
    let router: Router<AppRequestContext>
    do {
        try await Migrator(database: database).migrate()
        try await DemoDataInProduction.check(configuration, database: database)
        portal = try await Portal(
            configuration: configuration, database: database, dependencies: dependencies, logger: logger, tracer: tracing?.tracer)
        router = try await portal.router()
    } catch {
        // Nothing runs: the database is closed before the error is reported.
        await database.close()
        throw error
    }
    // Services stop in reverse order: the span exporter goes last, sending what the others traced.
    var services: [any Service] = (tracing.map { [$0.exporter] } ?? []) + [DatabaseService(database: database)]
        + dependencies.companionServices
    if dependencies.runsOutboxWorker {
        // Services stop in reverse order: the SMSC link outlives the worker that sends over it.
        if let smpp = portal.smppClient { services.append(SMPPLinkService(client: smpp)) }
        services.append(OutboxWorkerService(worker: portal.outboxWorker))
        services.append(PaymentReconcilerService(payments: portal.payments))
        services.append(HubDeliveryService(worker: portal.services.hubDeliveries))
    }
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeout)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SelfCare"),
        services: services,
        onServerRunning: dependencies.onServerRunning,
        logger: logger)
}

/// The resources folder bundled with the module (templates, locales, assets).
package let webResources: URL = Bundle.module.url(forResource: "Resources", withExtension: nil)!

/// The portal's services over one database: what the controllers and the background worker use.
package struct Portal: Sendable {
    package let configuration: AppConfiguration
    package let database: Database
    package let services: PortalServices
    package let outboxWorker: OutboxWorker
    let clock: any WallClock
    /// The SMSC link when SMS go over SMPP.
    package let smppClient: SMPPClient?
    let pages: PageRenderer
    let cookies: CookieSettings
    /// What `/metrics` exposes.
    package let metrics = PortalMetrics()
    /// Traces each request when tracing is configured.
    let tracer: (any Tracer)?

    package var registrations: RegistrationService { services.registrations }
    package var authentication: AuthenticationService { services.authentication }
    package var resets: PasswordResetService { services.resets }
    package var subscribers: SubscriberService { services.subscribers }
    package var payments: PaymentService { services.payments }

    package init(
        configuration: AppConfiguration, database: Database, dependencies: AppDependencies, logger: Logger, tracer: (any Tracer)? = nil
    ) async throws {
        self.configuration = configuration
        self.tracer = tracer
        self.database = database
        let clock = dependencies.clock
        self.clock = clock
        let gateway: any CardGateway = dependencies.cardGateway
            ?? configuration.gateway.map { HTTPCardGateway(baseURL: $0.url, secretKey: $0.secretKey) }
            ?? UnavailableGateway()
        services = try await PortalServices(database: database, settings: PortalServiceSettings(
            clock: clock, scrypt: dependencies.scrypt, loginThrottling: dependencies.loginThrottling, branding: configuration.branding,
            publicURL: configuration.publicURL, returnOrigins: Set([configuration.publicOrigin] + configuration.paymentReturnOrigins),
            codeKey: configuration.keys.codeKey, clientIDKey: configuration.keys.clientIDKey, gateway: gateway,
            webhookSecret: configuration.gateway?.webhookSecret ?? "", logger: logger,
            apiRequestsPerMinute: configuration.apiRequestsPerMinute,
            callbackPolicy: CallbackPolicy(
                production: configuration.mode == .production, extraPorts: configuration.callbackPorts,
                resolver: dependencies.hostResolver ?? SystemHostResolver()),
            callbackPoster: dependencies.callbackPoster ?? PinnedCallbackClient()))
        pages = try await PageRenderer(
            resources: webResources, localizer: services.localizer, branding: configuration.branding, clock: clock)
        let smppClient = configuration.smpp.map { settings in
            SMPPClient(configuration: .init(settings), receipts: OutboxReceiptRecorder(database: database, clock: clock), logger: logger)
        }
        self.smppClient = dependencies.messageSender == nil ? smppClient : nil
        let sender = dependencies.messageSender ?? Self.sender(
            for: configuration, smpp: smppClient, attachments: services.receiptAttachments, clock: clock, logger: logger)
        outboxWorker = OutboxWorker(database: database, sender: sender, clock: clock, logger: logger)
        cookies = CookieSettings(secure: configuration.usesHTTPS)
    }

    /// The router with every route and middleware. Who is logged in is decided by the route that matched, never by
    /// the raw path: page routes read the session cookie, API routes the Bearer token, and each refuses the other kind.
    package func router() async throws -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        if let tracer { router.add(middleware: RequestTracingMiddleware(tracer: tracer, trustedProxies: configuration.trustedProxies)) }
        router.add(middleware: SecurityHeadersMiddleware(
            strictTransportSecurity: configuration.usesHTTPS, formTargets: configuration.gateway.map { [$0.url] } ?? []))
        router.add(middleware: HTTPMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorPageMiddleware(pages: pages, authentication: authentication, cookies: cookies))
        let document = try OpenAPIDocument()
        router.add(middleware: MethodNotAllowedMiddleware(document: document))
        router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies))
        router.add(middleware: FileMiddleware(
            webResources.appendingPathComponent("assets").path, urlBasePath: "/assets", searchForIndexHtml: false))
        router.add(middleware: LanguageMiddleware(secureCookies: configuration.usesHTTPS))

        HealthController(database: database).addRoutes(to: router)
        MetricsController(database: database, clock: clock, mode: configuration.mode, token: configuration.metricsToken, metrics: metrics)
            .addRoutes(to: router)
        WebhookController(payments: payments).addRoutes(to: router)
        OpenAPIController(document: document).addRoutes(to: router)

        let pagesGroup = router.group()
            .add(middleware: CookieSessionMiddleware(authentication: authentication, cookies: cookies))
            .add(middleware: CSRFMiddleware(cookies: cookies))
        if configuration.mode == .development {
            DevMessagesController(database: database, pages: pages).addRoutes(to: pagesGroup)
        }
        HomeController(pages: pages).addRoutes(to: pagesGroup)
        APIDocsController(pages: pages, reference: try APIReferencePage(yaml: String(decoding: document.data, as: UTF8.self)))
            .addRoutes(to: pagesGroup)
        InfoPagesController(pages: pages, termsVersion: configuration.branding.termsVersion).addRoutes(to: pagesGroup)
        RegistrationPagesController(pages: pages, registrations: registrations).addRoutes(to: pagesGroup)
        LoginPagesController(pages: pages, authentication: authentication, resets: resets, cookies: cookies).addRoutes(to: pagesGroup)
        let signedIn = pagesGroup.group().add(middleware: RequireLoginMiddleware())
        PaymentPagesController(pages: pages, payments: payments).addRoutes(public: pagesGroup, signedIn: signedIn)
        SubscriberPagesController(pages: pages, subscribers: subscribers).addRoutes(to: signedIn)
        NotificationPagesController(pages: pages, subscribers: subscribers).addRoutes(to: signedIn)
        AlertsPagesController(pages: pages, subscribers: subscribers, alerts: services.alerts).addRoutes(to: signedIn)
        APIAccessPagesController(pages: pages, apiTokens: services.apiTokens, hub: services.hub).addRoutes(to: signedIn)

        let api = router.group("api/v1")
            .add(middleware: APIErrorMiddleware(localizer: pages.localizer))
            .add(middleware: BearerSessionMiddleware(authentication: authentication, apiTokens: services.apiTokens))
            .add(middleware: APIRateLimitMiddleware(limiter: services.apiRequests, localizer: pages.localizer))
            .add(middleware: PersonalTokenMiddleware(localizer: pages.localizer))
        AuthAPIController(registrations: registrations, authentication: authentication, resets: resets, localizer: pages.localizer)
            .addRoutes(to: api)
        BillingAPIController(subscribers: subscribers, localizer: pages.localizer).addRoutes(to: api)
        NotificationAPIController(subscribers: subscribers).addRoutes(to: api)
        APITokenAPIController(apiTokens: services.apiTokens, localizer: pages.localizer).addRoutes(to: api)
        HubAPIController(hub: services.hub, localizer: pages.localizer).addRoutes(to: api)
        UsageAlertsAPIController(subscribers: subscribers, alerts: services.alerts, localizer: pages.localizer).addRoutes(to: api)
        PaymentAPIController(payments: payments, pages: pages).addRoutes(to: api)
        return router
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

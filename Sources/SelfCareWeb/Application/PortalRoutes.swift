import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices
import Tracing

/// The portal's routes over its services: what the controllers use.
struct PortalRoutes: Sendable {
    let system: PortalSystem
    let pages: PageRenderer
    let cookies: CookieSettings
    /// What `/metrics` exposes.
    let metrics = PortalMetrics()

    var configuration: AppConfiguration { system.configuration }
    var services: PortalServices { system.services }
    var clock: any WallClock { services.clock }
    /// Traces each request when tracing is configured.
    var tracer: (any Tracer)? { system.tracer }

    var registrations: RegistrationService { services.registrations }
    var authentication: AuthenticationService { services.authentication }
    var resets: PasswordResetService { services.resets }
    var payments: PaymentService { services.payments }

    init(system: PortalSystem) async throws {
        self.system = system
        pages = try await PageRenderer(
            resources: webResources, localizer: system.services.localizer, branding: system.configuration.branding,
            clock: system.services.clock)
        cookies = CookieSettings(secure: system.configuration.usesHTTPS)
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

        HealthController(health: system.health).addRoutes(to: router)
        MetricsController(operations: system.operations, mode: configuration.mode, token: configuration.metricsToken, metrics: metrics)
            .addRoutes(to: router)
        WebhookController(payments: payments).addRoutes(to: router)
        OpenAPIController(document: document).addRoutes(to: router)

        let pagesGroup = router.group()
            .add(middleware: CookieSessionMiddleware(authentication: authentication, cookies: cookies))
            .add(middleware: CSRFMiddleware(cookies: cookies))
        if configuration.mode == .development {
            DevMessagesController(log: system.devMessages, pages: pages).addRoutes(to: pagesGroup)
        }
        HomeController(pages: pages).addRoutes(to: pagesGroup)
        APIDocsController(pages: pages, reference: try APIReferencePage(yaml: String(decoding: document.data, as: UTF8.self)))
            .addRoutes(to: pagesGroup)
        InfoPagesController(pages: pages, termsVersion: configuration.branding.termsVersion).addRoutes(to: pagesGroup)
        RegistrationPagesController(pages: pages, registrations: registrations).addRoutes(to: pagesGroup)
        LoginPagesController(pages: pages, authentication: authentication, resets: resets, cookies: cookies).addRoutes(to: pagesGroup)
        let signedIn = pagesGroup.group().add(middleware: RequireLoginMiddleware())
        PaymentPagesController(pages: pages, payments: payments, documents: services.documents).addRoutes(public: pagesGroup, signedIn: signedIn)
        SubscriberPagesController(
            pages: pages, accounts: services.accounts, bills: services.bills, usage: services.usage, documents: services.documents,
            branding: configuration.branding, clock: clock).addRoutes(to: signedIn)
        NotificationPagesController(pages: pages, accounts: services.accounts).addRoutes(to: signedIn)
        AlertsPagesController(pages: pages, accounts: services.accounts, alerts: services.alerts).addRoutes(to: signedIn)
        APIAccessPagesController(pages: pages, apiTokens: services.apiTokens, hub: services.hub).addRoutes(to: signedIn)

        let api = router.group("api/v1")
            .add(middleware: APIErrorMiddleware(localizer: pages.localizer))
            .add(middleware: BearerSessionMiddleware(authentication: authentication, apiTokens: services.apiTokens))
            .add(middleware: APIRateLimitMiddleware(limiter: services.apiRequests, localizer: pages.localizer))
            .add(middleware: PersonalTokenMiddleware(localizer: pages.localizer))
        AuthAPIController(registrations: registrations, authentication: authentication, resets: resets, localizer: pages.localizer)
            .addRoutes(to: api)
        BillingAPIController(
            accounts: services.accounts, bills: services.bills, usage: services.usage, documents: services.documents, clock: clock).addRoutes(to: api)
        NotificationAPIController(accounts: services.accounts).addRoutes(to: api)
        APITokenAPIController(apiTokens: services.apiTokens, localizer: pages.localizer).addRoutes(to: api)
        HubAPIController(hub: services.hub, localizer: pages.localizer).addRoutes(to: api)
        UsageAlertsAPIController(
            accounts: services.accounts, usage: services.usage, clock: clock, alerts: services.alerts, localizer: pages.localizer).addRoutes(to: api)
        PaymentAPIController(payments: payments, documents: services.documents, pages: pages).addRoutes(to: api)
        return router
    }
}

import Foundation
import Hummingbird
import Logging
import SelfCareStore

/// The composition root shared by the executable and the tests: opens and migrates the database, wires the
/// controllers and middleware, and returns the application ready to run.
package func buildApplication(configuration: AppConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
    let database = try await Database.open(configuration.database, logger: logger)
    try await Migrator(database: database).migrate()
    let router = try await buildRouter(configuration: configuration, database: database)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SelfCare"),
        services: [DatabaseService(database: database)],
        logger: logger)
}

/// The resources folder bundled with the module (templates, locales, assets).
package let webResources: URL = Bundle.module.url(forResource: "Resources", withExtension: nil)!

/// The router with every route and middleware, for an already opened database.
package func buildRouter(configuration: AppConfiguration, database: Database) async throws -> Router<AppRequestContext> {
    let pages = try await PageRenderer(resources: webResources, branding: configuration.branding)
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(
        strictTransportSecurity: configuration.usesHTTPS, formTargets: configuration.gateway.map { [$0.url] } ?? []))
    router.add(middleware: FileMiddleware(
        webResources.appendingPathComponent("assets").path, urlBasePath: "/assets", searchForIndexHtml: false))
    router.add(middleware: LanguageMiddleware(secureCookies: configuration.usesHTTPS))
    HealthController(database: database).addRoutes(to: router)
    HomeController(pages: pages).addRoutes(to: router)
    return router
}

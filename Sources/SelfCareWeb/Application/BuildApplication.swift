import Foundation
import Hummingbird
import Logging
import NIOCore
import SelfCareServices

/// The HTTP side of the portal: routes and middleware over a started `PortalSystem`, and the application ready to run
/// beside the portal's background services.
package func buildApplication(
    system: PortalSystem, logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let configuration = system.configuration
    let router = try await PortalRoutes(system: system).router()
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeout)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SelfCare"),
        services: system.backgroundServices,
        onServerRunning: onServerRunning,
        logger: logger)
}

/// Starts the portal through its composition root, then its HTTP side (what tests and a plain start use).
package func buildApplication(
    configuration: AppConfiguration, logger: Logger, dependencies: AppDependencies = AppDependencies(),
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let system = try await PortalSystem.start(configuration: configuration, dependencies: dependencies, logger: logger)
    do {
        return try await buildApplication(system: system, logger: logger, onServerRunning: onServerRunning)
    } catch {
        await system.close()
        throw error
    }
}

/// The resources folder bundled with the module (templates, locales, assets).
package let webResources: URL = Bundle.module.url(forResource: "Resources", withExtension: nil)!

import SelfCareStore
import ServiceLifecycle

/// Keeps the database open while the portal runs and closes it on graceful shutdown.
struct DatabaseService: Service {
    let database: Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}

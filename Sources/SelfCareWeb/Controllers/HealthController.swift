import Hummingbird
import SelfCareServices
import SelfCareStore

/// Health for load balancers and orchestrators: `/health` (CONTRACT §6) is 200 when the database answers;
/// `/health/live` says the process answers; `/health/ready` that it can serve — the database answers and has every
/// migration this build knows — else 503 naming what is missing.
struct HealthController {
    let database: Database

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/health", use: health)
        router.get("/health/ready", use: ready)
        router.get("/health/live", use: live)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        (try? await database.isReachable()) == true
            ? answer(.ok, #"{"status":"ok"}"#) : answer(.serviceUnavailable, #"{"status":"unavailable"}"#)
    }

    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        answer(.ok, #"{"status":"ok"}"#)
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard (try? await database.isReachable()) == true else {
            return answer(.serviceUnavailable, #"{"status":"unavailable","database":"unreachable"}"#)
        }
        guard let pending = try? await Migrator(database: database).pending() else {
            return answer(.serviceUnavailable, #"{"status":"unavailable","database":"unreadable"}"#)
        }
        guard pending.isEmpty else {
            return answer(.serviceUnavailable, #"{"status":"unavailable","database":"ok","pendingMigrations":\#(pending.count)}"#)
        }
        return answer(.ok, #"{"status":"ok","database":"ok","migrations":"current"}"#)
    }

    private func answer(_ status: HTTPResponse.Status, _ json: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }
}

import Hummingbird
import SelfCareServices

/// Health for load balancers and orchestrators: `/health` (CONTRACT §6) is 200 when the database answers;
/// `/health/live` says the process answers; `/health/ready` that it can serve — the database answers and has every
/// migration this build knows — else 503 naming what is missing.
struct HealthController {
    let health: HealthCheck

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/health", use: health)
        router.get("/health/ready", use: ready)
        router.get("/health/live", use: live)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        await health.isDatabaseReachable()
            ? answer(.ok, #"{"status":"ok"}"#) : answer(.serviceUnavailable, #"{"status":"unavailable"}"#)
    }

    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        answer(.ok, #"{"status":"ok"}"#)
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        switch await health.readiness() {
        case .ready:
            answer(.ok, #"{"status":"ok","database":"ok","migrations":"current"}"#)
        case .databaseUnreachable:
            answer(.serviceUnavailable, #"{"status":"unavailable","database":"unreachable"}"#)
        case .databaseUnreadable:
            answer(.serviceUnavailable, #"{"status":"unavailable","database":"unreadable"}"#)
        case .migrationsPending(let count):
            answer(.serviceUnavailable, #"{"status":"unavailable","database":"ok","pendingMigrations":\#(count)}"#)
        }
    }

    private func answer(_ status: HTTPResponse.Status, _ json: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }
}

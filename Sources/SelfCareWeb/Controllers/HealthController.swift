import Hummingbird
import SelfCareServices
import SelfCareStore

/// `GET /health`: 200 when the database answers, 503 otherwise.
struct HealthController {
    let database: Database

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/health") { _, _ -> Response in
            let healthy = (try? await database.isReachable()) ?? false
            return Response(
                status: healthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: healthy ? #"{"status":"ok"}"# : #"{"status":"unavailable"}"#)))
        }
    }
}

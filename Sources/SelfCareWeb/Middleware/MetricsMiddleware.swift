import Dispatch
import Hummingbird

/// Counts every answer by the route that matched (never the raw path, so ids do not explode the series), method and
/// status, with its latency; login attempts are also counted by outcome.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: PortalMetrics
    /// The routes that log in: a 2xx or 3xx answer is a login, 401 a failure, 403 a lock, 429 throttling.
    static let loginRoutes: Set<String> = ["/login", "/api/v1/sessions"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, started: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, started: started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, started: UInt64) {
        let route = context.endpointPath ?? "unmatched"
        let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
        metrics.recordRequest(route: route, method: request.method.rawValue, status: status, nanoseconds: elapsed)
        guard request.method == .post, Self.loginRoutes.contains(route) else { return }
        switch status {
        case 200..<400: metrics.recordLogin("success")
        case 401: metrics.recordLogin("failure")
        case 403: metrics.recordLogin("locked")
        case 429: metrics.recordLogin("throttled")
        default: break
        }
    }
}

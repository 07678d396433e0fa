import Hummingbird
import SelfCareServices
import Tracing

/// One server span per request: named by method and the route that matched (never the raw path), with the status; the
/// database statements it runs are its children. A request relayed by a trusted proxy continues the W3C `traceparent`
/// it carries; any other caller's trace context is not believed (it could pick the trace or turn sampling off): the
/// request starts a trace of its own, linked to the caller's.
struct RequestTracingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let tracer: any Tracer
    /// Peers whose trace context is continued.
    let trustedProxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let current = ServiceContext.current ?? .topLevel
        var caller = current
        tracer.extract(request.headers, into: &caller, using: HTTPFieldsExtractor())
        // Runs before ClientAddressMiddleware: the address is still the connection's peer, not what a header claims.
        let trusted = context.clientAddress.map(trustedProxies.contains) ?? false
        let sentContext = request.headers[.init("traceparent")!] != nil
        return try await tracer.withSpan(request.method.rawValue, context: trusted ? caller : current, ofKind: .server) { span in
            if !trusted && sentContext { span.addLink(SpanLink(context: caller, attributes: [:])) }
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["url.path"] = request.uri.path
            do {
                let response = try await next(request, context)
                finish(span, context: context, method: request.method.rawValue, status: response.status.code)
                return response
            } catch {
                finish(span, context: context, method: request.method.rawValue, status: (error as? any HTTPResponseError)?.status.code ?? 500)
                throw error
            }
        }
    }

    private func finish(_ span: any Span, context: Context, method: String, status: Int) {
        if let route = context.endpointPath {
            span.operationName = "\(method) \(route)"
            span.attributes["http.route"] = route
        }
        span.attributes["http.response.status_code"] = status
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
    }
}

/// Reads propagation headers (`traceparent`, `tracestate`) from a request.
private struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        let name = key.lowercased()
        return carrier.first { $0.name.canonicalName == name }?.value
    }
}

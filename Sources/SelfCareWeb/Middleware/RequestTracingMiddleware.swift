import Hummingbird
import Tracing

/// One server span per request, continuing the caller's trace when it sends a W3C `traceparent`: named by method and
/// the route that matched (never the raw path), with the status; the database statements it runs are its children.
struct RequestTracingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let tracer: any Tracer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var parent = ServiceContext.current ?? .topLevel
        tracer.extract(request.headers, into: &parent, using: HTTPFieldsExtractor())
        return try await tracer.withSpan(request.method.rawValue, context: parent, ofKind: .server) { span in
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

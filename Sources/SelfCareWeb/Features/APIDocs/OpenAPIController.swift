import Foundation
import Hummingbird
import SelfCareServices

/// `GET /api/v1/openapi.yaml`: the OpenAPI 3.1 description of the JSON API.
struct OpenAPIController {
    let document: OpenAPIDocument

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/api/v1/openapi.yaml", use: serveDocument)
    }

    @Sendable func serveDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: ResponseBody(byteBuffer: document.bytes))
    }
}

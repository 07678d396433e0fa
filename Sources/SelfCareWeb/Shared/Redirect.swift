import Hummingbird
import SelfCareServices

extension Response {
    /// A 303 See Other: after a form post, the browser GETs `location`.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

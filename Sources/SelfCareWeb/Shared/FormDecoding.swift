import Foundation
import Hummingbird

/// The page forms as types, read by Hummingbird's `URLEncodedFormDecoder`.
enum PageForm {
    /// `fields` (a form as the anti-forgery check parsed it) as `Form`, so a form reads exactly what that check saw: one
    /// value per name (the last one sent), text that does not percent-decode read as empty. Names with brackets, which
    /// no page form has, are left out: the decoder would read them as nested fields.
    static func decode<Form: Decodable>(_ type: Form.Type, from fields: [String: String]) throws -> Form {
        let body = fields.filter { !$0.key.contains("[") && !$0.key.contains("]") }
            .sorted { $0.key < $1.key }
            .map { "\(encoded($0.key))=\(encoded($0.value))" }
            .joined(separator: "&")
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: body)
        } catch {
            throw HTTPError(.badRequest, message: "The form could not be read.")
        }
    }

    /// Every character but the unreserved ASCII ones percent-encoded.
    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

extension AppRequestContext {
    /// The submitted form as `Form`.
    func decodeForm<Form: Decodable>(_ type: Form.Type) throws -> Form {
        try PageForm.decode(type, from: form)
    }
}

extension KeyedDecodingContainer {
    /// The text of a form field; one the form left out reads as empty, like a field sent empty.
    func text(_ key: Key) throws -> String {
        try decodeIfPresent(String.self, forKey: key) ?? ""
    }
}

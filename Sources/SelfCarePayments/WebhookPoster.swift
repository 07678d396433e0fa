import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one signed webhook call (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`) and
/// returns the receiver's status code.
public protocol WebhookPosting: Sendable {
    func post(to url: URL, id: String, timestamp: Int64, body: Data, secret: String) async throws -> Int
}

/// Webhook calls over HTTP(S): JSON body, 10 seconds to answer, redirects not followed.
public final class HTTPWebhookPoster: NSObject, WebhookPosting, URLSessionTaskDelegate, @unchecked Sendable {
    private lazy var session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }()

    override public init() {}

    public func post(to url: URL, id: String, timestamp: Int64, body: Data, secret: String) async throws -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("SelfCare-Webhooks/1", forHTTPHeaderField: "User-Agent")
        request.setValue(id, forHTTPHeaderField: "webhook-id")
        request.setValue(String(timestamp), forHTTPHeaderField: "webhook-timestamp")
        request.setValue(WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret), forHTTPHeaderField: "webhook-signature")
        let (_, response) = try await session.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// A redirect is answered as it is: a receiver may not send the call elsewhere.
    public func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

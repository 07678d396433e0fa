import Foundation
import HummingbirdTesting
import SnapshotTesting

/// How the page snapshots are taken: HTML text files compared line by line, recorded when missing on a developer's
/// machine but never under CI, where a missing snapshot fails.
enum PageSnapshot {
    /// `.never` when `CI` is set, otherwise `.missing`.
    static var recordMode: SnapshotTestingConfiguration.Record {
        ProcessInfo.processInfo.environment["CI"] == nil ? .missing : .never
    }

    /// A page's HTML, one line of the file per line of the page.
    static var html: Snapshotting<String, String> {
        var strategy = Snapshotting<String, String>.lines
        strategy.pathExtension = "html"
        return strategy
    }

    /// `page`'s HTML with what is random from one run to another replaced by a placeholder: the anti-forgery token, the
    /// idempotency key of a pay form, registration and reset ids, and the given payment ids (numbered in their order).
    static func stable(_ page: TestResponse, paymentIDs: [String] = []) -> String {
        var html = page.text
            .replacing(/name="_csrf" value="[^"]*"/, with: #"name="_csrf" value="CSRF-TOKEN""#)
            .replacing(/name="idempotencyKey" value="[^"]*"/, with: #"name="idempotencyKey" value="PAY-KEY""#)
            .replacing(/\/register\/[A-Za-z0-9_-]+\//, with: "/register/REGISTRATION-ID/")
            .replacing(/\/password-reset\/[A-Za-z0-9_-]+/, with: "/password-reset/RESET-ID")
        for (index, id) in paymentIDs.enumerated() {
            html = html.replacingOccurrences(of: id, with: "PAYMENT-ID-\(index + 1)")
        }
        return html
    }
}

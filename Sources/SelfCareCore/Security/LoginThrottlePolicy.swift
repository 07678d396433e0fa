import Foundation

/// Limits on password guessing (NIST SP 800-63B §5.2.2): per identifier, five failures in a row are free, then each
/// further try waits 30 s doubling up to 15 min, and after 100 the login is locked until a password reset by SMS; per
/// client address and for the whole portal, failures are capped in a window.
public struct LoginThrottlePolicy: Sendable {
    public var freeFailures = 5
    public var firstDelay: TimeInterval = 30
    public var longestDelay: TimeInterval = 15 * 60
    public var lockAfterFailures = 100
    public var failuresPerAddress = 30
    public var addressWindow: TimeInterval = 15 * 60
    public var failuresPerPortal = 600
    public var portalWindow: TimeInterval = 60

    public init() {}

    /// How long an identifier must wait after `failures` consecutive failures.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        return min(firstDelay * pow(2, Double(min(failures - freeFailures, 30))), longestDelay)
    }
}

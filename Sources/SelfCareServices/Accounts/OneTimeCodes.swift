import Foundation
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import SQLKit

/// Issues and checks SMS codes: random, stored as a keyed hash, short-lived, single use, attempt-limited, a minute
/// apart and capped per identifier and per client address, and blocked for the day after too many wrong codes.
struct OneTimeCodes: Sendable {
    let policy: OneTimeCodePolicy
    /// The deployment's key for hashing codes at rest.
    let key: String
    let operatorName: String
    let helpline: String
    private let codes = OneTimeCodeRepository()
    private let limits = RateLimitRepository()
    private static let day: TimeInterval = 24 * 3600

    init(policy: OneTimeCodePolicy, key: String, operatorName: String, helpline: String) {
        self.policy = policy
        self.key = key
        self.operatorName = operatorName
        self.helpline = helpline
    }

    /// Queues a new code by SMS to `msisdn`, unless a limit refuses it: a minute since the last code for `subject`,
    /// the hourly and daily maximum for `subject`, the daily maximum for the client address (an IPv6 client's /64), or a
    /// day of wrong codes.
    /// Without a number (unknown or already registered identifier) the code is stored but sent nowhere, so the flow
    /// answers like a real one.
    func issue(
        purpose: CodePurpose, flowID: String, subject: String, to msisdn: MSISDN?, language: Language, clientAddress: String?,
        now: Date, on db: any SQLDatabase
    ) async throws(ServiceError) {
        do {
            try await checkNotLocked(subject: subject, now: now, on: db)
            if let last = try await codes.latestIssue(subject: subject, on: db) {
                let wait = Int(last.addingTimeInterval(policy.resendWait).timeIntervalSince(now).rounded(.up))
                guard wait <= 0 else { throw ServiceError(field: "code", messageKey: "error.code.wait", code: "code_wait",
                                                          values: ["seconds": "\(wait)"], kind: .tooMany) }
            }
            let recent = try await codes.countIssued(subject: subject, purpose: purpose.rawValue, since: now.addingTimeInterval(-3600), on: db)
            guard recent < policy.maximumCodesPerHour else {
                throw ServiceError(field: "code", messageKey: "error.code.tooManyCodes", code: "too_many_codes", kind: .tooMany)
            }
            let today = try await codes.countIssued(subject: subject, since: now.addingTimeInterval(-Self.day), on: db)
            guard today < policy.maximumCodesPerDay else { throw tooManyToday }
            if let clientAddress {
                let key = "codes:address:\(ClientNetwork.throttleKey(for: clientAddress))"
                let (hits, _) = try await limits.hit(key, window: Self.day, now: now, on: db)
                guard hits <= policy.maximumCodesPerAddressPerDay else { throw tooManyToday }
            }
            var generator = SystemRandomNumberGenerator()
            let code = policy.newCode(using: &generator)
            try await codes.insert(
                purpose: purpose.rawValue, flowID: flowID, subject: subject, codeHash: hash(code, flowID: flowID), now: now,
                expiresAt: now.addingTimeInterval(policy.lifetime), on: db)
            if let msisdn {
                try await OutboxRepository().enqueue(
                    Notices.code(code, purpose: purpose, to: msisdn, operatorName: operatorName, language: language), now: now, on: db)
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(messageKey: "error.unexpected", code: "internal_error")
        }
    }

    /// Seconds to wait before another code may be sent for this flow's identifier (0 when one may be sent now).
    func resendWait(flowID: String, subject: String, now: Date, on db: any SQLDatabase) async throws -> Int {
        let latest = [try await codes.latestIssue(flowID: flowID, on: db), try await codes.latestIssue(subject: subject, on: db)]
            .compactMap { $0 }.max()
        guard let last = latest else { return 0 }
        return max(0, Int((last.addingTimeInterval(policy.resendWait).timeIntervalSince(now)).rounded(.up)))
    }

    /// Checks `code` against the flow's newest code; a wrong code uses up one of the tries, and one of the day's.
    func verify(_ code: String, flowID: String, now: Date, on db: any SQLDatabase) async throws -> Result<Void, ServiceError> {
        let invalid = ServiceError.field("code", "error.code.invalid", code: "invalid_code")
        guard let stored = try await codes.latest(flowID: flowID, on: db), !stored.consumed else {
            return .failure(invalid)
        }
        do { try await checkNotLocked(subject: stored.subject, now: now, on: db) } catch let error as ServiceError { return .failure(error) }
        guard stored.expiresAt > now else { return .failure(.field("code", "error.code.expired", code: "code_expired")) }
        guard stored.attempts < Int64(policy.maximumAttempts) else {
            return .failure(.field("code", "error.code.tooManyAttempts", code: "too_many_attempts"))
        }
        let compact = code.filter { !$0.isWhitespace }
        guard policy.isWellFormed(compact), SecretTokens.constantTimeEqual(hash(compact, flowID: flowID), stored.codeHash) else {
            try await codes.recordFailedAttempt(codeID: stored.id, on: db)
            let (failures, _) = try await limits.hit("codes:failures:\(stored.subject)", window: Self.day, now: now, on: db)
            if failures == policy.maximumFailuresPerDay {
                try await AuditRepository().record(AuditEvent(action: .codesLocked, identifier: stored.subject, occurredAt: now), on: db)
            }
            if failures >= policy.maximumFailuresPerDay { return .failure(lockedToday) }
            return .failure(stored.attempts + 1 >= Int64(policy.maximumAttempts)
                ? .field("code", "error.code.tooManyAttempts", code: "too_many_attempts") : invalid)
        }
        try await codes.consume(codeID: stored.id, now: now, on: db)
        return .success(())
    }

    /// Throws when `subject` had the day's maximum of wrong codes.
    private func checkNotLocked(subject: String, now: Date, on db: any SQLDatabase) async throws {
        let failures = try await limits.hits("codes:failures:\(subject)", window: Self.day, now: now, on: db)
        if failures >= policy.maximumFailuresPerDay { throw lockedToday }
    }

    private var lockedToday: ServiceError {
        ServiceError(field: "code", messageKey: "error.code.lockedToday", code: "codes_locked", values: ["helpline": helpline], kind: .locked)
    }

    private var tooManyToday: ServiceError {
        ServiceError(field: "code", messageKey: "error.code.tooManyCodesToday", code: "too_many_codes", values: ["helpline": helpline],
                     kind: .tooMany)
    }

    private func hash(_ code: String, flowID: String) -> String {
        SecretTokens.keyedHash("\(flowID):\(code)", key: key)
    }
}

/// Something an alert is about: an allowance bucket, or the spend limit.
public enum AlertSubject: String, Sendable, Hashable, CaseIterable {
    case voice
    case sms
    case data
    case spend

    public init(_ bucket: UsageBucket) {
        switch bucket {
        case .voice: self = .voice
        case .sms: self = .sms
        case .data: self = .data
        }
    }
}

/// One level reached in a period: a threshold of a bucket's allowance, or a share of the spend limit.
public struct AlertLevel: Sendable, Hashable, Comparable {
    public var subject: AlertSubject
    public var percent: Int

    public init(subject: AlertSubject, percent: Int) {
        self.subject = subject
        self.percent = percent
    }

    public static func < (lhs: AlertLevel, rhs: AlertLevel) -> Bool {
        (AlertSubject.allCases.firstIndex(of: lhs.subject)!, lhs.percent) < (AlertSubject.allCases.firstIndex(of: rhs.subject)!, rhs.percent)
    }
}

/// What a line has used of one bucket in a period.
public struct BucketUse: Sendable, Hashable {
    public var bucket: UsageBucket
    public var used: Int64
    public var allowance: Int64

    public init(bucket: UsageBucket, used: Int64, allowance: Int64) {
        self.bucket = bucket
        self.used = used
        self.allowance = allowance
    }
}

/// Which alert levels a line's period has reached; each is sent at most once per period, so the caller keeps what
/// was already sent and sends the rest.
public enum UsageAlertLevels {
    /// The levels reached: each threshold of each bucket whose use is at least that share of a non-zero allowance, and
    /// 80 % and 100 % of the spend limit by the out-of-bundle charges with VAT.
    public static func reached(buckets: [BucketUse], outOfBundleWithVAT: Money, settings: UsageAlertSettings) -> [AlertLevel] {
        var levels: [AlertLevel] = []
        for use in buckets where use.allowance > 0 {
            for threshold in settings.thresholds where use.used * 100 >= Int64(threshold) * use.allowance {
                levels.append(AlertLevel(subject: AlertSubject(use.bucket), percent: threshold))
            }
        }
        if let limit = settings.spendLimit {
            for share in UsageAlertSettings.spendLevels where outOfBundleWithVAT.cents * 100 >= Int64(share) * limit.cents {
                levels.append(AlertLevel(subject: .spend, percent: share))
            }
        }
        return levels.sorted()
    }

    /// A line's buckets from its rating.
    public static func buckets(of rating: LineRating) -> [BucketUse] {
        [
            BucketUse(bucket: .voice, used: rating.voiceMinutes.used, allowance: rating.voiceMinutes.allowance),
            BucketUse(bucket: .sms, used: rating.sms.used, allowance: rating.sms.allowance),
            BucketUse(bucket: .data, used: rating.dataBytes.used, allowance: rating.dataBytes.allowance),
        ]
    }
}

/// A kind of allowance a line's plan includes, as alerts and usage consumption name it.
public enum UsageBucket: String, Sendable, Hashable, CaseIterable, Codable {
    case voice
    case sms
    case data
}

/// How a subscriber wants to be alerted.
public enum AlertChannel: String, Sendable, Hashable, CaseIterable, Codable {
    case sms
    case email
}

/// A line's alert settings: thresholds in percent of each allowance, the channels alerts go by and an optional limit on
/// out-of-bundle charges (VAT included).
public struct UsageAlertSettings: Sendable, Hashable {
    /// Ascending, unique, each 1–100.
    public private(set) var thresholds: [Int]
    /// In `AlertChannel` order, unique.
    public private(set) var channels: [AlertChannel]
    public private(set) var spendLimit: Money?

    /// Every line's settings until its subscriber changes them: 80 % and 100 %, by SMS, no spend limit.
    public static let standard = UsageAlertSettings(unchecked: [80, 100], channels: [.sms], spendLimit: nil)
    public static let maximumThresholds = 5
    /// Spend limits are below this amount.
    public static let spendLimitCeiling = Money(cents: 100_000_000)
    /// The shares of the spend limit that send a warning and a notice.
    public static let spendLevels = [80, 100]

    /// Settings checked against the rules; the first field in error is named.
    public init(thresholds: [Int], channels: [String], spendLimit: Money?) throws(AlertSettingsError) {
        if let first = Self.problems(thresholds: thresholds, channels: channels, spendLimit: spendLimit).first { throw first }
        self.init(unchecked: thresholds, channels: channels.compactMap(AlertChannel.init(rawValue:)), spendLimit: spendLimit)
    }

    /// Every field that breaks a rule, each once with its first reason, in the order thresholds, channels, spend limit.
    public static func problems(thresholds: [Int], channels: [String], spendLimit: Money?) -> [AlertSettingsError] {
        var problems: [AlertSettingsError] = []
        if thresholds.count > maximumThresholds {
            problems.append(AlertSettingsError(field: "thresholds", reason: .tooManyThresholds))
        } else if !thresholds.allSatisfy({ (1...100).contains($0) }) {
            problems.append(AlertSettingsError(field: "thresholds", reason: .thresholdOutOfRange))
        } else if Set(thresholds).count != thresholds.count {
            problems.append(AlertSettingsError(field: "thresholds", reason: .duplicateThreshold))
        }
        if channels.contains(where: { AlertChannel(rawValue: $0) == nil }) {
            problems.append(AlertSettingsError(field: "channels", reason: .unknownChannel))
        } else if Set(channels).count != channels.count {
            problems.append(AlertSettingsError(field: "channels", reason: .duplicateChannel))
        }
        if let spendLimit, spendLimit.cents <= 0 || spendLimit >= spendLimitCeiling {
            problems.append(AlertSettingsError(field: "spendLimit", reason: .spendLimitOutOfRange))
        }
        return problems
    }

    /// Settings read back from storage, where they were stored checked.
    public init(unchecked thresholds: [Int], channels: [AlertChannel], spendLimit: Money?) {
        self.thresholds = thresholds.sorted()
        self.channels = AlertChannel.allCases.filter(channels.contains)
        self.spendLimit = spendLimit
    }
}

/// Settings that break a rule, naming the field.
public struct AlertSettingsError: Error, Sendable, Hashable {
    public enum Reason: String, Sendable {
        case tooManyThresholds
        case thresholdOutOfRange
        case duplicateThreshold
        case unknownChannel
        case duplicateChannel
        case spendLimitOutOfRange
        case invalidAmount
    }

    public var field: String
    public var reason: Reason

    public init(field: String, reason: Reason) {
        self.field = field
        self.reason = reason
    }
}

import Testing
@testable import SelfCareCore

/// Issue 16: which alert levels a line's period has reached, and which settings are refused.
@Suite("UsageAlertLevels")
struct UsageAlertLevelsTests {
    static let settings = try! UsageAlertSettings(thresholds: [100, 50, 80], channels: ["sms"], spendLimit: Money(cents: 30_000))

    @Test("each threshold at or below the share used is reached; an empty allowance never is")
    func thresholdsReached() {
        // given 4,000 of 5,000 MB of data (80 %), 49 of 100 minutes, and no SMS allowance at all
        let buckets = [
            BucketUse(bucket: .voice, used: 49, allowance: 100),
            BucketUse(bucket: .sms, used: 0, allowance: 0),
            BucketUse(bucket: .data, used: 4_000_000_000, allowance: 5_000_000_000),
        ]

        // when
        let levels = UsageAlertLevels.reached(buckets: buckets, outOfBundleWithVAT: .zero, settings: Self.settings)

        // then
        #expect(levels == [AlertLevel(subject: .data, percent: 50), AlertLevel(subject: .data, percent: 80)])
    }

    @Test("80 % and 100 % of the spend limit, on charges with VAT")
    func spendLevels() {
        // given a limit of 300.00: 239.99 is below 80 %, 240.00 reaches it, 300.00 reaches both
        let none = UsageAlertLevels.reached(buckets: [], outOfBundleWithVAT: Money(cents: 23_999), settings: Self.settings)
        let warning = UsageAlertLevels.reached(buckets: [], outOfBundleWithVAT: Money(cents: 24_000), settings: Self.settings)
        let both = UsageAlertLevels.reached(buckets: [], outOfBundleWithVAT: Money(cents: 30_000), settings: Self.settings)

        // then
        #expect(none.isEmpty)
        #expect(warning == [AlertLevel(subject: .spend, percent: 80)])
        #expect(both == [AlertLevel(subject: .spend, percent: 80), AlertLevel(subject: .spend, percent: 100)])
    }

    @Test("settings are kept sorted, channels in a fixed order")
    func settingsNormalised() throws {
        // when
        let settings = try UsageAlertSettings(thresholds: [90, 10], channels: ["email", "sms"], spendLimit: nil)

        // then
        #expect(settings.thresholds == [10, 90])
        #expect(settings.channels == [.sms, .email])
    }

    @Test("bad settings name their field", arguments: [
        ([1, 2, 3, 4, 5, 6], ["sms"], nil, "thresholds", AlertSettingsError.Reason.tooManyThresholds),
        ([0], ["sms"], nil, "thresholds", .thresholdOutOfRange),
        ([101], ["sms"], nil, "thresholds", .thresholdOutOfRange),
        ([80, 80], ["sms"], nil, "thresholds", .duplicateThreshold),
        ([80], ["fax"], nil, "channels", .unknownChannel),
        ([80], ["sms", "sms"], nil, "channels", .duplicateChannel),
        ([80], ["sms"], Int64(0), "spendLimit", .spendLimitOutOfRange),
        ([80], ["sms"], Int64(100_000_000), "spendLimit", .spendLimitOutOfRange),
    ] as [([Int], [String], Int64?, String, AlertSettingsError.Reason)])
    func refused(thresholds: [Int], channels: [String], limitCents: Int64?, field: String, reason: AlertSettingsError.Reason) {
        // when / then
        #expect(throws: AlertSettingsError(field: field, reason: reason)) {
            try UsageAlertSettings(thresholds: thresholds, channels: channels, spendLimit: limitCents.map { Money(cents: $0) })
        }
    }

    @Test("every field in error is named, each once, in field order")
    func everyProblem() {
        // when
        let problems = UsageAlertSettings.problems(thresholds: [0, 0, 150], channels: ["fax", "sms", "sms"], spendLimit: Money(cents: 0))

        // then
        #expect(problems == [
            AlertSettingsError(field: "thresholds", reason: .thresholdOutOfRange),
            AlertSettingsError(field: "channels", reason: .unknownChannel),
            AlertSettingsError(field: "spendLimit", reason: .spendLimitOutOfRange),
        ])
        #expect(UsageAlertSettings.problems(thresholds: [50, 80], channels: ["sms"], spendLimit: nil).isEmpty)
    }
}

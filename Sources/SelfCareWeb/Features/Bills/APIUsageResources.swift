import Foundation
import SelfCareCore
import SelfCareServices

/// A line's usage alerts (CONTRACT §9 `usageAlerts`): the settings, and where this period stands.
struct APIUsageAlerts: Encodable {
    struct Level: Encodable {
        var subject: String
        var percent: Int
    }

    struct Spend: Encodable {
        var charged: MoneyAmount
        var overLimit: Bool
        var overLimitSince: String?
        var consentToGoOver: String?
    }

    var billingAccount: ResourceReference
    var thresholds: [Int]
    var channels: [String]
    var spendLimit: MoneyAmount?
    var period: String
    var reached: [Level]
    var spend: Spend?
    var spendLimitEditable: Bool

    init(account: AccountView, status: UsageAlertStatus) {
        let id = account.account.id.rawValue
        billingAccount = ResourceReference(id: id, href: "/api/v1/billingAccount/\(id)")
        thresholds = status.settings.thresholds
        channels = status.settings.channels.map(\.rawValue)
        spendLimit = status.settings.spendLimit.map(MoneyAmount.init)
        period = status.period.description
        reached = status.reached.map { Level(subject: $0.subject.rawValue, percent: $0.percent) }
        spend = status.spend.map { spend in
            Spend(charged: MoneyAmount(spend.charged), overLimit: status.isOverLimit, overLimitSince: spend.overSince.map(Timestamp.format),
                  consentToGoOver: spend.consent.map { Timestamp.format($0.at) })
        }
        spendLimitEditable = status.mayChangeSpendLimit
    }

    /// What a `PUT` carries: every setting, `spendLimit` null (or absent) for none.
    struct Body: Decodable {
        struct Amount: Decodable {
            var value: String
            var unit: String?
        }

        var thresholds: [Int]
        var channels: [String]
        var spendLimit: Amount?

        enum CodingKeys: String, CodingKey { case thresholds, channels, spendLimit }

        /// Thresholds are read as numbers first, so that `80.5` is named as a wrong type rather than as broken JSON.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let numbers = try container.decode([Double].self, forKey: .thresholds)
            guard numbers.allSatisfy({ $0.rounded() == $0 && abs($0) < 1_000_000 }) else {
                throw DecodingError.typeMismatch(Int.self, .init(codingPath: [CodingKeys.thresholds], debugDescription: "whole numbers"))
            }
            thresholds = numbers.map { Int($0) }
            channels = try container.decode([String].self, forKey: .channels)
            spendLimit = try container.decodeIfPresent(Amount.self, forKey: .spendLimit)
        }
    }
}

/// TMF677 usage consumption report of a line's open period: per bucket the allowance, used and remaining, the
/// out-of-bundle charges so far and the forecast of the bill.
struct APIUsageConsumption: Encodable {
    struct ValidFor: Encodable {
        var startDateTime: String
        var endDateTime: String
    }

    struct Quantity: Encodable {
        var amount: Int64
        var units: String
    }

    struct Counter: Encodable {
        var counterType: String
        var value: Quantity
    }

    struct Bucket: Encodable {
        var id: String
        var name: String
        var usageType: String
        var isShared = false
        var unit: String
        var allowance: Int64
        var used: Int64
        var remaining: Int64
        var bucketCounter: [Counter]
    }

    var id: String
    var href: String
    var atType = "UsageConsumptionReport"
    var effectiveDate: String
    var billingAccount: ResourceReference
    var period: String
    var validFor: ValidFor
    var bucket: [Bucket]
    var outOfBundleCharges: MoneyAmount
    var outOfBundleChargesWithVAT: MoneyAmount
    var forecast: MoneyAmount
    var forecastMethod = "Monthly fee plus the out-of-bundle charges so far scaled from the days elapsed to the whole month, VAT included."

    enum CodingKeys: String, CodingKey {
        case id, href, atType = "@type", effectiveDate, billingAccount, period, validFor, bucket, outOfBundleCharges
        case outOfBundleChargesWithVAT, forecast, forecastMethod
    }

    init(account: AccountView, consumption: UsageService.Consumption, forecast: Money, now: Date) {
        let accountID = account.account.id.rawValue
        let period = consumption.period
        id = "\(accountID)-\(period)"
        href = "/api/v1/usageConsumption?billingAccount.id=\(accountID)"
        effectiveDate = Timestamp.format(now)
        billingAccount = ResourceReference(id: accountID, href: "/api/v1/billingAccount/\(accountID)")
        self.period = period.description
        validFor = ValidFor(startDateTime: Timestamp.format(period.start), endDateTime: Timestamp.format(period.end))
        let rating = consumption.rating
        bucket = UsageAlertLevels.buckets(of: rating).map { use in
            let unit = use.bucket.unit.rawValue
            let remaining = max(use.allowance - use.used, 0)
            return Bucket(
                id: use.bucket.rawValue, name: Self.names[use.bucket]!, usageType: use.bucket.rawValue, unit: unit, allowance: use.allowance,
                used: use.used, remaining: remaining,
                bucketCounter: [
                    Counter(counterType: "allowance", value: Quantity(amount: use.allowance, units: unit)),
                    Counter(counterType: "used", value: Quantity(amount: use.used, units: unit)),
                    Counter(counterType: "remaining", value: Quantity(amount: remaining, units: unit)),
                ])
        }
        outOfBundleCharges = MoneyAmount(rating.usageCharges)
        outOfBundleChargesWithVAT = MoneyAmount(rating.usageCharges + rating.usageCharges.percentage(BillAmounts.vatPercent))
        self.forecast = MoneyAmount(forecast)
    }

    private static let names: [UsageBucket: String] = [.voice: "Voice minutes", .sms: "SMS", .data: "Mobile data"]
}

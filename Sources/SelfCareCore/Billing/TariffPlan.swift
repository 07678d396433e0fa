import Foundation

/// A postpaid tariff plan ("forfait"): monthly fee, bundled allowances and out-of-bundle rates, all VAT-exclusive.
public struct TariffPlan: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var monthlyFee: Money
    public var allowance: Allowance
    public var rates: Rates
    /// Destination prefixes (E.164) charged at the on-net voice rate once the allowance is used up.
    public var onNetPrefixes: [String]

    public init(code: String, name: String, monthlyFee: Money, allowance: Allowance, rates: Rates, onNetPrefixes: [String]) {
        self.code = code
        self.name = name
        self.monthlyFee = monthlyFee
        self.allowance = allowance
        self.rates = rates
        self.onNetPrefixes = onNetPrefixes
    }

    /// What a plan includes each month.
    public struct Allowance: Sendable, Hashable, Codable {
        public var voiceMinutes: Int64
        public var sms: Int64
        public var dataMB: Int64

        public init(voiceMinutes: Int64, sms: Int64, dataMB: Int64) {
            self.voiceMinutes = voiceMinutes
            self.sms = sms
            self.dataMB = dataMB
        }

        /// The data allowance in bytes (1 MB = 1,000,000 bytes).
        public var dataBytes: Int64 { dataMB * 1_000_000 }
    }

    /// Out-of-bundle prices.
    public struct Rates: Sendable, Hashable, Codable {
        public var voiceOnNetPerMinute: Money
        public var voiceOffNetPerMinute: Money
        public var smsNational: Money
        public var smsInternational: Money
        public var dataPerMB: Money
        public var roamingVoicePerMinute: Money
        public var roamingSms: Money
        public var roamingDataPerMB: Money
        /// Per-minute prices of calls abroad by destination prefix (`+33`), with a `default` entry.
        public var internationalPerMinute: [String: Money]

        public init(
            voiceOnNetPerMinute: Money, voiceOffNetPerMinute: Money, smsNational: Money, smsInternational: Money,
            dataPerMB: Money, roamingVoicePerMinute: Money, roamingSms: Money, roamingDataPerMB: Money,
            internationalPerMinute: [String: Money]
        ) {
            self.voiceOnNetPerMinute = voiceOnNetPerMinute
            self.voiceOffNetPerMinute = voiceOffNetPerMinute
            self.smsNational = smsNational
            self.smsInternational = smsInternational
            self.dataPerMB = dataPerMB
            self.roamingVoicePerMinute = roamingVoicePerMinute
            self.roamingSms = roamingSms
            self.roamingDataPerMB = roamingDataPerMB
            self.internationalPerMinute = internationalPerMinute
        }

        /// The per-minute price of a call to `destination` abroad: the longest matching prefix, else `default`.
        public func internationalRate(for destination: String) -> Money {
            var best: (length: Int, rate: Money)?
            for (prefix, rate) in internationalPerMinute where prefix != "default" && destination.hasPrefix(prefix) {
                if prefix.count > (best?.length ?? 0) { best = (prefix.count, rate) }
            }
            return best?.rate ?? internationalPerMinute["default"] ?? .zero
        }
    }

    /// Checks what JSON decoding cannot: non-empty code and name, no negative amounts, a `default` international rate.
    public func validate() throws(PlanValidationError) {
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty else { throw .init(field: "code", reason: "is empty") }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .init(field: "name", reason: "is empty") }
        guard monthlyFee.cents >= 0 else { throw .init(field: "monthlyFee", reason: "is negative") }
        let allowances: [(String, Int64)] = [
            ("allowance.voiceMinutes", allowance.voiceMinutes), ("allowance.sms", allowance.sms),
            ("allowance.dataMB", allowance.dataMB),
        ]
        for (field, value) in allowances where value < 0 { throw .init(field: field, reason: "is negative") }
        let prices: [(String, Money)] = [
            ("rates.voiceOnNetPerMinute", rates.voiceOnNetPerMinute), ("rates.voiceOffNetPerMinute", rates.voiceOffNetPerMinute),
            ("rates.smsNational", rates.smsNational), ("rates.smsInternational", rates.smsInternational),
            ("rates.dataPerMB", rates.dataPerMB), ("rates.roamingVoicePerMinute", rates.roamingVoicePerMinute),
            ("rates.roamingSms", rates.roamingSms), ("rates.roamingDataPerMB", rates.roamingDataPerMB),
        ] + rates.internationalPerMinute.map { ("rates.internationalPerMinute.\($0.key)", $0.value) }
        for (field, price) in prices where price.cents < 0 { throw .init(field: field, reason: "is negative") }
        guard rates.internationalPerMinute["default"] != nil else {
            throw .init(field: "rates.internationalPerMinute.default", reason: "is missing")
        }
        for prefix in rates.internationalPerMinute.keys where prefix != "default" {
            guard prefix.first == "+", prefix.dropFirst().allSatisfy(\.isASCIIDigit), prefix.count > 1 else {
                throw .init(field: "rates.internationalPerMinute.\(prefix)", reason: "is not a prefix like +33")
            }
        }
        for prefix in onNetPrefixes {
            guard prefix.first == "+", prefix.dropFirst().allSatisfy(\.isASCIIDigit), prefix.count > 1 else {
                throw .init(field: "onNetPrefixes", reason: "'\(prefix)' is not a prefix like +2305")
            }
        }
    }
}

/// A tariff plan field that is not acceptable, and why.
public struct PlanValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public var description: String { "\(field) \(reason)" }
}

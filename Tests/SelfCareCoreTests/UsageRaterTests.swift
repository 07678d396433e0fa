import Foundation
import Testing
@testable import SelfCareCore

/// CONTRACT §5, one hand-worked example per rule. Rates are POST499's unless said otherwise:
/// on-net 1.50/min, off-net 2.00/min, SMS national 1.00, SMS abroad 4.00, data 0.50/MB,
/// roaming voice 35.00/min, roaming SMS 10.00, roaming data 150.00/MB, abroad default 12.00/min, +33 8.00, +91 5.00.
@Suite("UsageRater")
struct UsageRaterTests {
    let onNet = "+23057000001"  // mobile, starts with the on-net prefix +2305
    let offNet = "+23021234567"  // Mauritian fixed line: national, not on-net

    // MARK: voice

    @Test("voice minutes are ⌈duration_s / 60⌉", arguments: [
        (Int64(0), Int64(0)), (1, 1), (59, 1), (60, 1), (61, 2), (119, 2), (120, 2), (121, 3), (3600, 60), (3601, 61),
    ])
    func voiceMinutesRoundUp(seconds: Int64, minutes: Int64) {
        // given a roaming call (no allowance, so every minute is charged at 35.00)
        let call = Fixture.voice("v1", seconds: seconds, to: onNet, roaming: "FR")

        // when
        let rating = UsageRater.rate([call], plan: Fixture.post499)

        // then: minutes × 3500 cents
        #expect(call.billedMinutes == minutes)
        #expect(rating.records[0].quantity == minutes)
        #expect(rating.records[0].charge.cents == minutes * 3500)
    }

    @Test("a home call to +230 inside the voice allowance costs nothing")
    func homeCallInsideAllowance() {
        // given 125 s to an on-net number: ⌈125 / 60⌉ = 3 minutes; 100 minutes left
        let call = Fixture.voice("v1", seconds: 125, to: onNet)

        // when
        let rating = UsageRater.rate([call], plan: Fixture.post499)

        // then 3 minutes drawn from the allowance, 0 cents
        let rated = rating.records[0]
        #expect(rated.chargeClass == .voiceOnNet)
        #expect(rated.quantity == 3)
        #expect(rated.includedQuantity == 3)
        #expect(rated.isFullyIncluded)
        #expect(rated.charge == .zero)
        #expect(rating.voiceMinutes == AllowanceUse(used: 3, allowance: 100))
        #expect(rating.voiceMinutes.remaining == 97)
    }

    @Test("without allowance left, home calls cost the on-net rate to onNetPrefixes, else the off-net rate")
    func onNetVersusOffNet() {
        // given no voice allowance, two calls of 125 s (3 minutes each)
        let plan = Fixture.plan(voiceMinutes: 0)
        let toMobile = Fixture.voice("v1", at: Instant.mauritius(2026, 10, 3, 10), seconds: 125, to: onNet)
        let toFixed = Fixture.voice("v2", at: Instant.mauritius(2026, 10, 3, 11), seconds: 125, to: offNet)

        // when
        let rating = UsageRater.rate([toMobile, toFixed], plan: plan)

        // then on-net 3 × 150 = 450 cents; off-net 3 × 200 = 600 cents; total 1050
        #expect(rating.records.map(\.chargeClass) == [.voiceOnNet, .voiceOffNet])
        #expect(rating.records.map(\.charge.cents) == [450, 600])
        #expect(rating.usageCharges.cents == 1050)
    }

    @Test("an on-net prefix other than +2305 is honoured")
    func otherOnNetPrefix() {
        // given a plan whose on-net numbers are +2304…, no allowance
        var plan = Fixture.plan(voiceMinutes: 0)
        plan.onNetPrefixes = ["+2304"]
        let toMobile = Fixture.voice("v1", seconds: 60, to: "+23057000001")
        let toOwnNetwork = Fixture.voice("v2", at: Instant.mauritius(2026, 10, 3, 11), seconds: 60, to: "+23041234567")

        // when
        let rating = UsageRater.rate([toMobile, toOwnNetwork], plan: plan)

        // then +2305… is now off-net 1 × 200 = 200; +2304… on-net 1 × 150 = 150
        #expect(rating.records.map(\.chargeClass) == [.voiceOffNet, .voiceOnNet])
        #expect(rating.records.map(\.charge.cents) == [200, 150])
    }

    @Test("a call crossing the end of the voice allowance is split: part free, rest charged", arguments: [
        ("+23057000001", ChargeClass.voiceOnNet, Int64(600)),  // 4 minutes × 150
        ("+23021234567", ChargeClass.voiceOffNet, Int64(800)),  // 4 minutes × 200
    ])
    func callCrossingAllowance(destination: String, chargeClass: ChargeClass, expectedCents: Int64) {
        // given 10 free minutes; a first call of 480 s = 8 minutes, then 305 s = ⌈5.08⌉ = 6 minutes,
        // then 30 s = 1 minute
        let plan = Fixture.plan(voiceMinutes: 10)
        let first = Fixture.voice("v1", at: Instant.mauritius(2026, 10, 3, 9), seconds: 480, to: onNet)
        let crossing = Fixture.voice("v2", at: Instant.mauritius(2026, 10, 3, 10), seconds: 305, to: destination)
        let after = Fixture.voice("v3", at: Instant.mauritius(2026, 10, 3, 11), seconds: 30, to: onNet)

        // when
        let rating = UsageRater.rate([first, crossing, after], plan: plan)

        // then first: 8 included, 0 cents; crossing: 2 of 6 included, 4 charged; after: 0 included, 1 × 150
        let rated = rating.records
        #expect(rated[0].includedQuantity == 8)
        #expect(rated[0].charge == .zero)
        #expect(rated[1].chargeClass == chargeClass)
        #expect(rated[1].quantity == 6)
        #expect(rated[1].includedQuantity == 2)
        #expect(rated[1].chargedQuantity == 4)
        #expect(rated[1].charge.cents == expectedCents)
        #expect(rated[2].includedQuantity == 0)
        #expect(rated[2].charge.cents == 150)
        #expect(rating.voiceMinutes == AllowanceUse(used: 10, allowance: 10))
        #expect(rating.voiceMinutes.remaining == 0)
        #expect(rating.usageCharges.cents == expectedCents + 150)
    }

    @Test("home calls abroad use the longest matching international prefix, else default", arguments: [
        ("+33123456789", Int64(700)),  // +331 (7.00) beats +33 (8.00)
        ("+33612345678", Int64(800)),  // only +33 matches
        ("+919876543210", Int64(500)),  // +91
        ("+12125550100", Int64(1200)),  // no prefix matches: default 12.00
        ("+9112345678", Int64(500)),  // +91 again, whatever follows
    ])
    func internationalLongestPrefix(destination: String, centsPerMinute: Int64) {
        // given a plan that also prices +331 (Paris) at 7.00; a 150 s call = ⌈2.5⌉ = 3 minutes
        var plan = Fixture.post499
        plan.rates.internationalPerMinute["+331"] = Fixture.money("7.00")
        let call = Fixture.voice("v1", seconds: 150, to: destination)

        // when
        let rating = UsageRater.rate([call], plan: plan)

        // then 3 minutes × the prefix's rate, all charged, no allowance used
        let rated = rating.records[0]
        #expect(rated.chargeClass == .voiceInternational)
        #expect(rated.quantity == 3)
        #expect(rated.includedQuantity == 0)
        #expect(rated.charge.cents == 3 * centsPerMinute)
        #expect(rating.voiceMinutes.used == 0)
    }

    @Test("a home call abroad never uses the allowance, even with minutes left")
    func internationalKeepsAllowance() {
        // given 100 free minutes; a 61 s call to France (2 minutes at 8.00) and a 61 s on-net call
        let abroad = Fixture.voice("v1", at: Instant.mauritius(2026, 10, 3, 9), seconds: 61, to: "+33612345678")
        let home = Fixture.voice("v2", at: Instant.mauritius(2026, 10, 3, 10), seconds: 61, to: onNet)

        // when
        let rating = UsageRater.rate([abroad, home], plan: Fixture.post499)

        // then abroad: 2 × 800 = 1600 cents; home: 2 minutes from the allowance, 0 cents
        #expect(rating.records.map(\.charge.cents) == [1600, 0])
        #expect(rating.voiceMinutes.used == 2)
    }

    @Test("roaming calls cost roamingVoicePerMinute and never use the allowance", arguments: [
        "+23057000001", "+23021234567", "+33612345678",
    ])
    func roamingVoice(destination: String) {
        // given 100 free minutes; while in France, a 90 s call = 2 minutes
        let call = Fixture.voice("v1", seconds: 90, to: destination, roaming: "FR")

        // when
        let rating = UsageRater.rate([call], plan: Fixture.post499)

        // then 2 × 3500 = 7000 cents whatever the destination; allowance untouched
        #expect(rating.records[0].chargeClass == .voiceRoaming)
        #expect(rating.records[0].includedQuantity == 0)
        #expect(rating.records[0].charge.cents == 7000)
        #expect(rating.voiceMinutes.used == 0)
    }

    // MARK: sms

    @Test("home SMS to +230 draw from the SMS allowance, then cost smsNational")
    func smsNationalAllowanceThenRate() {
        // given 2 free SMS; three SMS home to Mauritian numbers
        let plan = Fixture.plan(sms: 2)
        let messages = (1...3).map { Fixture.sms("s\($0)", at: Instant.mauritius(2026, 10, 3, $0), to: onNet) }

        // when
        let rating = UsageRater.rate(messages, plan: plan)

        // then 0, 0, then 1 × 100 = 100 cents
        #expect(rating.records.map(\.chargeClass) == [.smsNational, .smsNational, .smsNational])
        #expect(rating.records.map(\.includedQuantity) == [1, 1, 0])
        #expect(rating.records.map(\.charge.cents) == [0, 0, 100])
        #expect(rating.sms == AllowanceUse(used: 2, allowance: 2))
    }

    @Test("an SMS to a fixed +230 number is national too")
    func smsToFixedNational() {
        // given no SMS allowance
        let message = Fixture.sms("s1", to: offNet)

        // when
        let rating = UsageRater.rate([message], plan: Fixture.plan(sms: 0))

        // then smsNational 1.00 = 100 cents
        #expect(rating.records[0].chargeClass == .smsNational)
        #expect(rating.records[0].charge.cents == 100)
    }

    @Test("home SMS abroad cost smsInternational and keep the allowance")
    func smsInternational() {
        // given 500 free SMS; one SMS to India
        let message = Fixture.sms("s1", to: "+919876543210")

        // when
        let rating = UsageRater.rate([message], plan: Fixture.post499)

        // then 1 × 400 = 400 cents; no SMS allowance used
        #expect(rating.records[0].chargeClass == .smsInternational)
        #expect(rating.records[0].charge.cents == 400)
        #expect(rating.sms.used == 0)
    }

    @Test("roaming SMS cost roamingSms, even to +230, and keep the allowance", arguments: [
        "+23057000001", "+33612345678",
    ])
    func smsRoaming(destination: String) {
        // given 500 free SMS; one SMS sent from Réunion
        let message = Fixture.sms("s1", to: destination, roaming: "RE")

        // when
        let rating = UsageRater.rate([message], plan: Fixture.post499)

        // then 1 × 1000 = 1000 cents
        #expect(rating.records[0].chargeClass == .smsRoaming)
        #expect(rating.records[0].charge.cents == 1000)
        #expect(rating.sms.used == 0)
    }

    // MARK: data

    @Test("home data inside the allowance costs nothing")
    func dataInsideAllowance() {
        // given 5000 MB = 5,000,000,000 bytes; one 3,000,000-byte session
        let session = Fixture.data("d1", bytes: 3_000_000)

        // when
        let rating = UsageRater.rate([session], plan: Fixture.post499)

        // then all included
        #expect(rating.records[0].chargeClass == .dataNational)
        #expect(rating.records[0].includedQuantity == 3_000_000)
        #expect(rating.records[0].charge == .zero)
        #expect(rating.dataBytes == AllowanceUse(used: 3_000_000, allowance: 5_000_000_000))
    }

    @Test("a data record crossing the allowance end is split; only the bytes outside are charged, rounded up")
    func dataCrossingAllowance() {
        // given 1 MB = 1,000,000 free bytes; 600,000 bytes, then 900,001 bytes, then 2,000,000 bytes
        let plan = Fixture.plan(dataMB: 1)
        let first = Fixture.data("d1", at: Instant.mauritius(2026, 10, 3, 9), bytes: 600_000)
        let crossing = Fixture.data("d2", at: Instant.mauritius(2026, 10, 3, 10), bytes: 900_001)
        let outside = Fixture.data("d3", at: Instant.mauritius(2026, 10, 3, 11), bytes: 2_000_000)

        // when
        let rating = UsageRater.rate([first, crossing, outside], plan: plan)

        // then first: all 600,000 included, 0 cents
        //      crossing: 400,000 included, 500,001 outside → ⌈500,001 × 50 / 1,000,000⌉ = ⌈25.00005⌉ = 26 cents
        //      outside: ⌈2,000,000 × 50 / 1,000,000⌉ = 100 cents exactly
        #expect(rating.records.map(\.includedQuantity) == [600_000, 400_000, 0])
        #expect(rating.records.map(\.chargedQuantity) == [0, 500_001, 2_000_000])
        #expect(rating.records.map(\.charge.cents) == [0, 26, 100])
        #expect(rating.dataBytes == AllowanceUse(used: 1_000_000, allowance: 1_000_000))
        #expect(rating.usageCharges.cents == 126)
    }

    @Test("roaming data costs ⌈bytes × roamingDataPerMB / 1,000,000⌉ and keeps the allowance", arguments: [
        (Int64(2_500_000), Int64(37_500)),  // 2,500,000 × 15,000 / 1,000,000 = 37,500 exactly
        (1_234_567, 18_519),  // 1,234,567 × 15,000 / 1,000,000 = 18,518.505 → 18,519
        (1, 1),  // 15,000 / 1,000,000 = 0.015 → 1
        (0, 0),  // nothing used, nothing charged
    ])
    func roamingData(bytes: Int64, expectedCents: Int64) {
        // given 5000 free MB at home; a session in France
        let session = Fixture.data("d1", bytes: bytes, roaming: "FR")

        // when
        let rating = UsageRater.rate([session], plan: Fixture.post499)

        // then
        #expect(rating.records[0].chargeClass == .dataRoaming)
        #expect(rating.records[0].includedQuantity == 0)
        #expect(rating.records[0].charge.cents == expectedCents)
        #expect(rating.dataBytes.used == 0)
    }

    @Test("data is rounded per record: two 1-byte records at 0.50/MB cost 1 cent each")
    func dataRoundedPerRecord() {
        // given no data allowance and two 1-byte sessions
        let plan = Fixture.plan(dataMB: 0)
        let records = [
            Fixture.data("d1", at: Instant.mauritius(2026, 10, 3, 9), bytes: 1),
            Fixture.data("d2", at: Instant.mauritius(2026, 10, 3, 10), bytes: 1),
        ]

        // when
        let rating = UsageRater.rate(records, plan: plan)

        // then each ⌈1 × 50 / 1,000,000⌉ = 1 cent, total 2 (not ⌈2 × 50 / 1,000,000⌉ = 1)
        #expect(rating.records.map(\.charge.cents) == [1, 1])
        #expect(rating.usageCharges.cents == 2)
    }

    @Test("the data charge formula does not overflow on huge sessions")
    func dataChargeHugeVolume() {
        // given 10^15 bytes at 150.00/MB: 10^15 × 15,000 = 1.5 × 10^19 overflows Int64 as an intermediate
        let bytes: Int64 = 1_000_000_000_000_000

        // when
        let charge = UsageRater.dataCharge(bytes: bytes, perMB: Fixture.money("150.00"))

        // then 10^9 MB × 15,000 = 1.5 × 10^13 cents
        #expect(charge.cents == 15_000_000_000_000)
    }

    // MARK: order

    @Test("records are rated by started_at: the earlier call takes the allowance even when listed last")
    func startTimeDecidesWhoCrosses() {
        // given 10 free minutes; "A" at 10:05 and "Z" at 10:00, 6 minutes each (on-net)
        let plan = Fixture.plan(voiceMinutes: 10)
        let later = Fixture.voice("A", at: Instant.mauritius(2026, 10, 3, 10, 5), seconds: 360, to: onNet)
        let earlier = Fixture.voice("Z", at: Instant.mauritius(2026, 10, 3, 10, 0), seconds: 360, to: onNet)

        // when
        let rating = UsageRater.rate([later, earlier], plan: plan)

        // then Z: 6 included, 0 cents; A: 4 included, 2 × 150 = 300 cents
        #expect(rating.records.map(\.record.recordID) == ["Z", "A"])
        #expect(rating.records.map(\.includedQuantity) == [6, 4])
        #expect(rating.records.map(\.charge.cents) == [0, 300])
    }

    @Test("records starting at the same second are rated by record_id")
    func recordIDBreaksTies() {
        // given 10 free minutes; "B" and "A" both at 10:00:00, 6 minutes each, listed B first
        let plan = Fixture.plan(voiceMinutes: 10)
        let start = Instant.mauritius(2026, 10, 3, 10)
        let b = Fixture.voice("B", at: start, seconds: 360, to: offNet)
        let a = Fixture.voice("A", at: start, seconds: 360, to: offNet)

        // when
        let rating = UsageRater.rate([b, a], plan: plan)

        // then A goes first: 6 included; B crosses: 4 included, 2 × 200 = 400 cents
        #expect(rating.records.map(\.record.recordID) == ["A", "B"])
        #expect(rating.records.map(\.includedQuantity) == [6, 4])
        #expect(rating.records.map(\.charge.cents) == [0, 400])
    }

    @Test("records in any order give the same rating as in order (seeded random record sets and shuffles)")
    func orderDoesNotMatter() {
        // given 200 random record sets with small allowances so allowances run out, many equal start times
        var generator = SplitMix64(seed: 0x5E1F_CA4E)
        for _ in 0..<200 {
            let plan = Fixture.plan(
                voiceMinutes: Int64.random(in: 0...20, using: &generator),
                sms: Int64.random(in: 0...5, using: &generator),
                dataMB: Int64.random(in: 0...3, using: &generator))
            let records = Self.randomRecords(count: Int.random(in: 0...25, using: &generator), using: &generator)
            let inOrder = records.sorted(by: UsageRecord.ratingOrder)

            // when
            let expected = UsageRater.rate(inOrder, plan: plan)

            // then every shuffle rates identically (compact summaries on failure, one issue per set)
            for _ in 0..<10 {
                let rating = UsageRater.rate(records.shuffled(using: &generator), plan: plan)
                let identical = rating == expected
                #expect(identical, "shuffled \(Self.summary(rating)) ≠ in order \(Self.summary(expected))")
                if !identical { break }
            }
            #expect(expected.records.map(\.record) == inOrder)
            #expect(expected.usageCharges.cents == expected.records.reduce(0) { $0 + $1.charge.cents })
        }
    }

    /// `id:included/charge¢` per rated record, in rating order.
    static func summary(_ rating: LineRating) -> String {
        rating.records.map { "\($0.record.recordID):\($0.includedQuantity)/\($0.charge.cents)¢" }.joined(separator: " ")
    }

    static func randomRecords(count: Int, using generator: inout SplitMix64) -> [UsageRecord] {
        let destinations = ["+23057000001", "+23058000002", "+23021234567", "+33612345678", "+919876543210", "+12125550100"]
        let base = Instant.mauritius(2026, 10, 1)
        return (0..<count).map { index in
            // a handful of distinct start times so that ties on started_at are common
            let startedAt = base.addingTimeInterval(TimeInterval(Int.random(in: 0..<6, using: &generator) * 3600))
            let roaming = Int.random(in: 0..<5, using: &generator) == 0 ? "FR" : nil
            let id = "r\(index)"
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                return Fixture.voice(id, at: startedAt, seconds: Int64.random(in: 0...900, using: &generator),
                                     to: destinations.randomElement(using: &generator)!, roaming: roaming)
            case 1:
                return Fixture.sms(id, at: startedAt, to: destinations.randomElement(using: &generator)!, roaming: roaming)
            default:
                return Fixture.data(id, at: startedAt, bytes: Int64.random(in: 0...1_500_000, using: &generator), roaming: roaming)
            }
        }
    }

    // MARK: totals

    @Test("the rating sums records into one line per charge class, in class order")
    func chargeLinesByClass() {
        // given no allowance at all; 2 on-net calls (1 and 2 minutes), 1 SMS abroad, 1 home data session
        let plan = Fixture.plan(voiceMinutes: 0, sms: 0, dataMB: 0)
        let records = [
            Fixture.data("d1", at: Instant.mauritius(2026, 10, 5), bytes: 3_000_000),
            Fixture.sms("s1", at: Instant.mauritius(2026, 10, 4), to: "+33612345678"),
            Fixture.voice("v2", at: Instant.mauritius(2026, 10, 3), seconds: 61, to: onNet),
            Fixture.voice("v1", at: Instant.mauritius(2026, 10, 2), seconds: 60, to: onNet),
        ]

        // when
        let rating = UsageRater.rate(records, plan: plan)

        // then voiceOnNet: 3 minutes × 150 = 450; smsInternational: 400; dataNational: 3 MB × 50 = 150; total 1000
        #expect(rating.lines == [
            ChargeLine(chargeClass: .voiceOnNet, records: 2, quantity: 3, includedQuantity: 0, amount: Money(cents: 450)),
            ChargeLine(chargeClass: .smsInternational, records: 1, quantity: 1, includedQuantity: 0, amount: Money(cents: 400)),
            ChargeLine(chargeClass: .dataNational, records: 1, quantity: 3_000_000, includedQuantity: 0, amount: Money(cents: 150)),
        ])
        #expect(rating.usageCharges.cents == 1000)
    }

    @Test("no records: no lines, no charges, the whole allowance left")
    func noRecords() {
        // given nothing
        // when
        let rating = UsageRater.rate([], plan: Fixture.post499)

        // then
        #expect(rating.records.isEmpty)
        #expect(rating.lines.isEmpty)
        #expect(rating.usageCharges == .zero)
        #expect(rating.voiceMinutes.remaining == 100)
        #expect(rating.sms.remaining == 500)
        #expect(rating.dataBytes.remaining == 5_000_000_000)
    }

    // MARK: period

    @Test("a record's period is its month in Mauritius time (UTC+4)", arguments: [
        (Instant.utc(2026, 10, 31, 20, 30, 0), "2026-11"),  // 00:30 on 1 November in Mauritius
        (Instant.utc(2026, 10, 31, 19, 59, 59), "2026-10"),  // 23:59:59 on 31 October in Mauritius
        (Instant.utc(2026, 10, 31, 20, 0, 0), "2026-11"),  // midnight exactly
        (Instant.utc(2026, 12, 31, 20, 0, 0), "2027-01"),  // new year in Mauritius
        (Instant.utc(2026, 9, 30, 20, 0, 0), "2026-10"),
    ])
    func recordPeriodInMauritiusTime(startedAt: Date, period: String) {
        // given
        let record = Fixture.data("d1", at: startedAt, bytes: 1)

        // when
        let recordPeriod = record.period

        // then
        #expect(recordPeriod.description == period)
    }
}

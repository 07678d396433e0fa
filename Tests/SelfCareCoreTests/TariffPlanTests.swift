import Foundation
import Testing
@testable import SelfCareCore

@Suite("TariffPlan")
struct TariffPlanTests {
    /// The exact example of CONTRACT §3.
    static let contractJSON = """
        [{"code": "POST499", "name": "Post Pay 499", "monthlyFee": "499.00",
          "allowance": {"voiceMinutes": 100, "sms": 500, "dataMB": 5000},
          "rates": {"voiceOnNetPerMinute": "1.50", "voiceOffNetPerMinute": "2.00",
                    "smsNational": "1.00", "smsInternational": "4.00", "dataPerMB": "0.50",
                    "roamingVoicePerMinute": "35.00", "roamingSms": "10.00", "roamingDataPerMB": "150.00",
                    "internationalPerMinute": {"default": "12.00", "+33": "8.00", "+91": "5.00"}},
          "onNetPrefixes": ["+2305"]}]
        """

    @Test("decodes the contract's example")
    func decodesContractExample() throws {
        // given the JSON of CONTRACT §3
        let data = Data(Self.contractJSON.utf8)

        // when
        let plans = try JSONDecoder().decode([TariffPlan].self, from: data)

        // then
        let plan = try #require(plans.first)
        #expect(plans.count == 1)
        #expect(plan == Fixture.post499)
        #expect(plan.code == "POST499")
        #expect(plan.name == "Post Pay 499")
        #expect(plan.monthlyFee.cents == 49_900)
        #expect(plan.allowance == .init(voiceMinutes: 100, sms: 500, dataMB: 5000))
        #expect(plan.allowance.dataBytes == 5_000_000_000)
        #expect(plan.rates.voiceOnNetPerMinute.cents == 150)
        #expect(plan.rates.voiceOffNetPerMinute.cents == 200)
        #expect(plan.rates.smsNational.cents == 100)
        #expect(plan.rates.smsInternational.cents == 400)
        #expect(plan.rates.dataPerMB.cents == 50)
        #expect(plan.rates.roamingVoicePerMinute.cents == 3_500)
        #expect(plan.rates.roamingSms.cents == 1_000)
        #expect(plan.rates.roamingDataPerMB.cents == 15_000)
        #expect(plan.rates.internationalPerMinute.mapValues(\.cents) == ["default": 1_200, "+33": 800, "+91": 500])
        #expect(plan.onNetPrefixes == ["+2305"])
        #expect(throws: Never.self) { try plan.validate() }
    }

    @Test("encodes and decodes back to the same plan")
    func codableRoundTrip() throws {
        // given
        let plan = Fixture.post499

        // when
        let decoded = try JSONDecoder().decode(TariffPlan.self, from: JSONEncoder().encode(plan))

        // then
        #expect(decoded == plan)
    }

    @Test("decoding refuses an amount with three decimals")
    func decodingRefusesBadAmount() {
        // given the example with a fee of 499.001
        let data = Data(Self.contractJSON.replacingOccurrences(of: #""499.00""#, with: #""499.001""#).utf8)

        // when / then
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TariffPlan].self, from: data) }
    }

    @Test("validate catches a negative price", arguments: [
        "monthlyFee", "rates.voiceOnNetPerMinute", "rates.voiceOffNetPerMinute", "rates.smsNational",
        "rates.smsInternational", "rates.dataPerMB", "rates.roamingVoicePerMinute", "rates.roamingSms",
        "rates.roamingDataPerMB",
    ])
    func negativePrice(field: String) {
        // given POST499 with one price at -0.01
        var plan = Fixture.post499
        let minus = Money(cents: -1)
        switch field {
        case "monthlyFee": plan.monthlyFee = minus
        case "rates.voiceOnNetPerMinute": plan.rates.voiceOnNetPerMinute = minus
        case "rates.voiceOffNetPerMinute": plan.rates.voiceOffNetPerMinute = minus
        case "rates.smsNational": plan.rates.smsNational = minus
        case "rates.smsInternational": plan.rates.smsInternational = minus
        case "rates.dataPerMB": plan.rates.dataPerMB = minus
        case "rates.roamingVoicePerMinute": plan.rates.roamingVoicePerMinute = minus
        case "rates.roamingSms": plan.rates.roamingSms = minus
        default: plan.rates.roamingDataPerMB = minus
        }

        // when / then
        #expect(throws: PlanValidationError(field: field, reason: "is negative")) { try plan.validate() }
    }

    @Test("validate catches a negative international rate")
    func negativeInternationalRate() {
        // given
        var plan = Fixture.post499
        plan.rates.internationalPerMinute["+91"] = Fixture.money("-5.00")

        // when / then
        #expect(throws: PlanValidationError(field: "rates.internationalPerMinute.+91", reason: "is negative")) {
            try plan.validate()
        }
    }

    @Test("validate catches a missing default international rate")
    func missingDefault() {
        // given
        var plan = Fixture.post499
        plan.rates.internationalPerMinute["default"] = nil

        // when / then
        #expect(throws: PlanValidationError(field: "rates.internationalPerMinute.default", reason: "is missing")) {
            try plan.validate()
        }
    }

    @Test("validate catches empty names, negative allowances and malformed prefixes")
    func otherValidationErrors() {
        // given plans each with one mistake
        var emptyCode = Fixture.post499
        emptyCode.code = "  "
        var emptyName = Fixture.post499
        emptyName.name = ""
        var negativeSMS = Fixture.post499
        negativeSMS.allowance.sms = -1
        var badPrefix = Fixture.post499
        badPrefix.rates.internationalPerMinute["33"] = Fixture.money("8.00")
        var badOnNet = Fixture.post499
        badOnNet.onNetPrefixes = ["+"]

        // when / then
        #expect(throws: PlanValidationError(field: "code", reason: "is empty")) { try emptyCode.validate() }
        #expect(throws: PlanValidationError(field: "name", reason: "is empty")) { try emptyName.validate() }
        #expect(throws: PlanValidationError(field: "allowance.sms", reason: "is negative")) { try negativeSMS.validate() }
        #expect(throws: PlanValidationError(field: "rates.internationalPerMinute.33", reason: "is not a prefix like +33")) {
            try badPrefix.validate()
        }
        #expect(throws: PlanValidationError(field: "onNetPrefixes", reason: "'+' is not a prefix like +2305")) {
            try badOnNet.validate()
        }
    }

    @Test("the international rate is that of the longest matching prefix, else default", arguments: [
        ("+33123456789", "7.00"),  // +331 beats +33
        ("+33612345678", "8.00"),
        ("+919876543210", "5.00"),
        ("+12125550100", "12.00"),
        ("+3", "12.00"),  // shorter than every prefix
    ])
    func internationalRate(destination: String, rate: String) {
        // given POST499 with +331 at 7.00
        var rates = Fixture.post499.rates
        rates.internationalPerMinute["+331"] = Fixture.money("7.00")

        // when
        let price = rates.internationalRate(for: destination)

        // then
        #expect(price == Fixture.money(rate))
    }

    @Test("a plan without a default international rate prices unknown destinations at zero")
    func internationalRateWithoutDefault() {
        // given a plan that validate() would refuse
        var rates = Fixture.post499.rates
        rates.internationalPerMinute["default"] = nil

        // when
        let price = rates.internationalRate(for: "+12125550100")

        // then
        #expect(price == .zero)
    }
}

import Testing
import SelfCareCore
@testable import SelfCareWeb

/// The page forms read as types from the fields the anti-forgery check parsed.
@Suite("Page forms")
struct PageFormTests {
    @Test("a field left out reads as empty, like one sent empty")
    func missingFields() throws {
        // given
        let fields = ["_csrf": "token", "identifier": "1234567806"]

        // when
        let form = try PageForm.decode(LoginForm.self, from: fields)

        // then
        #expect(form.identifier == "1234567806")
        #expect(form.password == "")
    }

    @Test("text with spaces, plus signs, ampersands and accents reads as it was typed")
    func specialCharacters() throws {
        // given
        let fields = ["identifier": "A+B & C=D", "fullName": "Élodie Bégué", "email": "e%40x.mu", "acceptTerms": "on"]

        // when
        let form = try PageForm.decode(RegistrationForm.self, from: fields)

        // then
        #expect(form.identifier == "A+B & C=D")
        #expect(form.fullName == "Élodie Bégué")
        #expect(form.email == "e%40x.mu")
        #expect(form.acceptTerms)
    }

    @Test("the terms count as accepted only when the box was ticked")
    func termsNotTicked() throws {
        // given
        let unticked = ["acceptTerms": "yes"]

        // when
        let form = try PageForm.decode(RegistrationForm.self, from: unticked)

        // then
        #expect(!form.acceptTerms)
        #expect(try !PageForm.decode(RegistrationForm.self, from: [:]).acceptTerms)
    }

    @Test("the pay form lists the bills ticked in the order of their numbers, each with the amount typed for it")
    func payForm() throws {
        // given
        let fields = [
            "idempotencyKey": "key-1", "pay_B2": "on", "amount_B2": " 1 234,50 ", "pay_B1": "on", "amount_B1": "",
            "pay_B3": "off", "amount_B3": "12.00", "pay_G1": "on", "amount_G1": "Rs 10", "pay_B4": "on", "amount_B4": "twelve",
        ]

        // when
        let form = try PageForm.decode(PaymentForm.self, from: fields)

        // then
        #expect(form.idempotencyKey == "key-1")
        #expect(form.choices.map(\.number) == ["B1", "B2", "B4", "G1"])
        #expect(form.choices.map(\.amount) == [
            .allRemaining, .amount(try Money(decimal: "1234.50")), .invalid, .amount(try Money(decimal: "10")),
        ])
        #expect(form.choices[1].typedAmount == "1 234,50")
    }

    @Test("a field name with brackets is left out rather than read as a nested field")
    func bracketedNames() throws {
        // given
        let fields = ["pay_B1[x]": "on", "pay_B2": "on", "idempotencyKey": "k"]

        // when
        let form = try PageForm.decode(PaymentForm.self, from: fields)

        // then
        #expect(form.choices.map(\.number) == ["B2"])
    }
}

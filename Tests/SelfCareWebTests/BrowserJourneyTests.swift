import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The brochure's journey in the browser, in French and in English: register → code by SMS → password → log in →
/// my account → log out.
@Suite("Browser journey")
struct BrowserJourneyTests {
    /// What each page of the journey must say, in one language.
    struct Texts: Sendable {
        var lang: String
        var register: [String]
        var activate: [String]
        var password: [String]
        var registered: String
        var account: [String]
        var loggedOut: String
        var sms: String
    }

    static let french = Texts(
        lang: "fr",
        register: ["Nom complet", "Adresse e-mail", "termes et conditions", "Identifiant de Compte ou Identifiant Client"],
        activate: ["6 chiffres, reçus par SMS", "Valider", "Renvoyer un code"],
        password: ["Choisissez votre mot de passe", "Confirmez le mot de passe", "De 12 à 128 caractères"],
        registered: "Votre enregistrement est confirmé : vous pouvez vous connecter.",
        account: ["Mon compte", "Se déconnecter"],
        loggedOut: "Vous êtes déconnecté.",
        sms: "votre code d'activation est")

    static let english = Texts(
        lang: "en",
        register: ["Full name", "E-mail address", "terms and conditions", "Account ID or Client ID"],
        activate: ["6 digits, received by SMS", "Confirm", "Send a new code"],
        password: ["Choose your password", "Confirm the password", "12 to 128 characters"],
        registered: "Your registration is confirmed: you can log in.",
        account: ["My account", "Log out"],
        loggedOut: "You are logged out.",
        sms: "your activation code is")

    /// Every answer of one walk through the journey, and the messages it caused.
    struct Journey {
        var register: TestResponse
        var started: TestResponse
        var activate: TestResponse
        var activated: TestResponse
        var password: TestResponse
        var created: TestResponse
        var login: TestResponse
        var loggedIn: TestResponse
        var account: TestResponse
        var loggedOut: TestResponse
        var afterLogout: TestResponse
        var accountAfterLogout: TestResponse
        var messages: [QueuedMessage]
    }

    /// Walks the whole journey in `browser`, starting at `firstPage`, reading the code from the SMS to the line.
    static func walk(_ portal: PortalTest, _ browser: Browser, firstPage: String) async throws -> Journey {
        let register = try await browser.get(firstPage)
        let started = try await browser.post("/register", [
            "identifier": Subscribers.aline.grouped, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": "on",
        ])
        let activate = try await browser.follow(started)
        let code = try await portal.latestCode(to: Subscribers.alineLine)
        let activated = try await browser.post(try #require(started.headers[.location]), ["code": code])
        let password = try await browser.follow(activated)
        let created = try await browser.post(try #require(activated.headers[.location]), [
            "password": Subscribers.password, "passwordConfirmation": Subscribers.password,
        ])
        let login = try await browser.follow(created)
        let loggedIn = try await browser.post("/login", ["identifier": Subscribers.aline.rawValue, "password": Subscribers.password])
        let account = try await browser.follow(loggedIn)
        let loggedOut = try await browser.post("/logout")
        let afterLogout = try await browser.follow(loggedOut)
        let accountAfterLogout = try await browser.get("/account")
        return Journey(
            register: register, started: started, activate: activate, activated: activated, password: password, created: created,
            login: login, loggedIn: loggedIn, account: account, loggedOut: loggedOut, afterLogout: afterLogout,
            accountAfterLogout: accountAfterLogout, messages: try await portal.messages())
    }

    /// Checks every step of `journey` went through and spoke the language of `texts`.
    static func check(_ journey: Journey, _ texts: Texts) {
        #expect(journey.register.status == .ok)
        #expect(journey.register.text.contains(#"<html lang="\#(texts.lang)">"#))
        for text in texts.register { #expect(journey.register.text.contains(text), "register page: \(text)") }
        #expect(journey.started.status == .seeOther)
        #expect(journey.activate.status == .ok)
        for text in texts.activate { #expect(journey.activate.text.contains(text), "activation page: \(text)") }
        #expect(journey.activated.status == .seeOther)
        #expect(journey.password.status == .ok)
        for text in texts.password { #expect(journey.password.text.contains(text), "password page: \(text)") }
        #expect(journey.created.status == .seeOther)
        #expect(journey.login.text.contains(texts.registered))
        #expect(journey.loggedIn.status == .seeOther)
        #expect(journey.account.status == .ok)
        #expect(journey.account.text.contains(#"<html lang="\#(texts.lang)">"#))
        for text in texts.account { #expect(journey.account.text.contains(text), "account page: \(text)") }
        #expect(journey.account.text.contains(Subscribers.aline.grouped))
        #expect(journey.loggedOut.status == .seeOther)
        #expect(journey.afterLogout.text.contains(texts.loggedOut))
        #expect(journey.accountAfterLogout.status == .seeOther)
        let code = journey.messages.first { $0.purpose == "activation" }
        #expect(code?.recipient == Subscribers.alineLine.e164)
        #expect(code?.language == texts.lang)
        #expect(code?.body.contains(texts.sms) == true)
        let confirmations = journey.messages.filter { $0.purpose == "registrationConfirmed" }
        #expect(confirmations.map(\.channel) == ["sms", "email"])
        #expect(confirmations.allSatisfy { $0.language == texts.lang })
    }

    @Test("in French by default")
    func french() async throws {
        try await WebTest.withPortal { portal in
            // given a browser that states no language
            let browser = portal.browser()

            // when
            let journey = try await Self.walk(portal, browser, firstPage: "/register")

            // then
            Self.check(journey, Self.french)
        }
    }

    @Test("in English after choosing ?lang=en")
    func englishByChoice() async throws {
        try await WebTest.withPortal { portal in
            // given a French browser that picks English once
            let browser = portal.browser(acceptLanguage: "fr-MU,fr;q=0.9")

            // when
            let journey = try await Self.walk(portal, browser, firstPage: "/register?lang=en")

            // then
            Self.check(journey, Self.english)
        }
    }

    @Test("in English for an English browser")
    func englishByAcceptLanguage() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: "en-GB,en;q=0.9")

            // when
            let journey = try await Self.walk(portal, browser, firstPage: "/register")

            // then
            Self.check(journey, Self.english)
        }
    }

    @Test("the form links to the terms and conditions, which show their version")
    func terms() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: "en")

            // when
            let form = try await browser.get("/register")
            let terms = try await browser.get("/terms")

            // then
            #expect(form.text.contains(#"<a href="/terms""#))
            #expect(form.text.contains(#"name="acceptTerms" type="checkbox""#))
            #expect(terms.status == .ok)
            #expect(terms.text.contains("Terms and conditions"))
            #expect(terms.text.contains("Version 2026-11"))
        }
    }

    @Test("a mistyped Account ID shows a helpful error on the identifier field and keeps what was typed", arguments: [
        ("fr", "Cet Identifiant de Compte contient une faute de frappe : vérifiez chaque chiffre sur votre facture."),
        ("en", "This Account ID has a typo: check each digit on your bill."),
    ])
    func mistypedIdentifier(_ language: String, _ message: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: language)
            try await browser.get("/register")

            // when
            let response = try await browser.post("/register", [
                "identifier": Subscribers.mistypedAccount, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": "on",
            ])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(#"<p class="field-error" id="identifier-error">\#(message)</p>"#))
            #expect(response.text.contains(##"<a href="#identifier">\##(message)</a>"##))
            #expect(response.text.contains(#"value="\#(Subscribers.mistypedAccount)""#))
            #expect(response.text.contains(#"value="Aline Ramdin""#))
            #expect(try await portal.messages().isEmpty)
        }
    }

    @Test("a wrong code and a refused password are explained on the page")
    func explainedRefusals() async throws {
        try await WebTest.withPortal { portal in
            // given a registration in English
            let browser = portal.browser(acceptLanguage: "en")
            try await browser.get("/register")
            let started = try await browser.post("/register", [
                "identifier": Subscribers.aline.rawValue, "fullName": "Aline Ramdin", "email": "aline@example.mu", "acceptTerms": "on",
            ])
            let activatePath = try #require(started.headers[.location])
            try await browser.follow(started)
            let code = try await portal.latestCode(to: Subscribers.alineLine)

            // when
            let wrong = try await browser.post(activatePath, ["code": OneTimeCodeTests.wrong(code)])
            let activated = try await browser.post(activatePath, ["code": code])
            try await browser.follow(activated)
            let common = try await browser.post(try #require(activated.headers[.location]), [
                "password": "qwerty123456", "passwordConfirmation": "qwerty123456",
            ])

            // then
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("This code is not right. Check the SMS you received."))
            #expect(common.status == .unprocessableContent)
            #expect(common.text.contains("This password is among the most common ones, which attackers try first. Choose another."))
        }
    }
}

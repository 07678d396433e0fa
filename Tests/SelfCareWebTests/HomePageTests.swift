import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The public home page, in French by default and in English on request.
@Suite("Home page")
struct HomePageTests {
    static let frenchTitle = "Vos factures Post Pay, en ligne"
    static let englishTitle = "Your Post Pay bills, online"

    @Test("is French HTML by default")
    func frenchByDefault() async throws {
        try await WebTest.withApp { client in
            // given a browser that states no language

            // when
            let response = try await client.execute(uri: "/", method: .get)

            // then
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(response.headers[.contentLanguage] == "fr")
            #expect(response.text.contains(#"<html lang="fr">"#))
            #expect(response.text.contains(Self.frenchTitle))
            #expect(response.text.contains("Identifiant de Compte"))
            #expect(!response.text.contains(Self.englishTitle))
            #expect(!response.setCookies.contains { $0.hasPrefix("lang=") })
        }
    }

    @Test("follows Accept-Language")
    func acceptLanguage() async throws {
        try await WebTest.withApp { client in
            // given
            let headers: HTTPFields = [.acceptLanguage: "en-GB,en;q=0.9"]

            // when
            let response = try await client.execute(uri: "/", method: .get, headers: headers)

            // then
            #expect(response.status == .ok)
            #expect(response.text.contains(#"<html lang="en">"#))
            #expect(response.text.contains(Self.englishTitle))
            #expect(!response.text.contains(Self.frenchTitle))
        }
    }

    @Test("a French browser stays French")
    func frenchAcceptLanguage() async throws {
        try await WebTest.withApp { client in
            // given
            let headers: HTTPFields = [.acceptLanguage: "fr-MU,fr;q=0.9,en;q=0.8"]

            // when
            let response = try await client.execute(uri: "/", method: .get, headers: headers)

            // then
            #expect(response.text.contains(#"<html lang="fr">"#))
        }
    }

    @Test("?lang=en switches to English and is remembered in a cookie")
    func languageSwitchIsRemembered() async throws {
        try await WebTest.withApp { client in
            // given a French browser
            let french: HTTPFields = [.acceptLanguage: "fr"]

            // when it chooses English
            let chosen = try await client.execute(uri: "/?lang=en", method: .get, headers: french)

            // then
            #expect(chosen.status == .ok)
            #expect(chosen.text.contains(#"<html lang="en">"#))
            #expect(chosen.text.contains(Self.englishTitle))
            let cookie = try #require(chosen.setCookies.first { $0.hasPrefix("lang=") })
            #expect(cookie.hasPrefix("lang=en"))
            #expect(cookie.localizedCaseInsensitiveContains("HttpOnly"))
            #expect(cookie.localizedCaseInsensitiveContains("Path=/"))

            // when it comes back with the cookie and no query
            var withCookie = french
            withCookie[.cookie] = "lang=en"
            let next = try await client.execute(uri: "/", method: .get, headers: withCookie)

            // then it stays English
            #expect(next.text.contains(#"<html lang="en">"#))
            #expect(next.text.contains(Self.englishTitle))
        }
    }

    @Test("an unknown ?lang= is ignored")
    func unknownLanguage() async throws {
        try await WebTest.withApp { client in
            // given

            // when
            let response = try await client.execute(uri: "/?lang=xx", method: .get)

            // then
            #expect(response.status == .ok)
            #expect(response.text.contains(#"<html lang="fr">"#))
            #expect(!response.setCookies.contains { $0.hasPrefix("lang=") })
        }
    }

    @Test("shows the helpline 8900 and a link to the other language")
    func helplineAndLanguageLink() async throws {
        try await WebTest.withApp { client in
            // given

            // when
            let french = try await client.execute(uri: "/", method: .get)
            let english = try await client.execute(uri: "/?lang=en", method: .get)

            // then
            #expect(french.text.contains(#"href="tel:8900""#))
            #expect(french.text.contains("8900"))
            #expect(french.text.contains(#"href="/?lang=en""#))
            #expect(french.text.contains(#"hreflang="en""#))
            #expect(french.text.contains("English"))
            #expect(english.text.contains(#"href="/?lang=fr""#))
            #expect(english.text.contains("Français"))
            #expect(english.text.contains(#"href="tel:8900""#))
        }
    }
}

import Foundation
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// CONTRACT §7: configuration from the environment; production names every missing or invalid setting.
@Suite("Configuration")
struct ConfigurationTests {
    /// A complete production environment.
    static let production: [String: String] = [
        "SELFCARE_MODE": "production", "DATABASE_URL": "postgres://selfcare:secret@db.internal:5432/selfcare",
        "PUBLIC_URL": "https://selfcare.example.mu/", "SMPP_HOST": "smsc.internal", "SMPP_SYSTEM_ID": "selfcare",
        "SMPP_PASSWORD": "secret", "SMPP_SOURCE_ADDR": "8900", "SMTP_HOST": "relay.internal", "SMTP_FROM": "selfcare@example.mu",
        "GATEWAY_URL": "https://pay.example.mu", "GATEWAY_SECRET_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc4eC39HqLyjWDarjt",
        "GATEWAY_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "SELFCARE_CODE_KEY": "c29tZSByYW5kb20ga2V5IGZvciB0aGUgb25lLXRpbWUgY29kZXM",
        "SELFCARE_CLIENT_ID_KEY": "YW5vdGhlciByYW5kb20ga2V5IGZvciB0aGUgQ2xpZW50IElEcw",
    ]

    static func problems(_ settings: [String: String]) throws -> String {
        var message = ""
        #expect {
            _ = try AppConfiguration.load(settings)
        } throws: { error in
            message = String(describing: error)
            return error is ConfigurationError
        }
        return message
    }

    @Test("development defaults: 127.0.0.1:8080 and SQLite under .selfcare")
    func developmentDefaults() throws {
        // given no settings at all
        let settings: [String: String] = [:]

        // when
        let configuration = try AppConfiguration.load(settings)

        // then
        #expect(configuration.mode == .development)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.publicURL == "http://127.0.0.1:8080")
        #expect(!configuration.usesHTTPS)
        guard case .sqlite(let path) = configuration.database else {
            Issue.record("expected SQLite, got \(configuration.database)")
            return
        }
        #expect(path.hasSuffix("/.selfcare/selfcare.sqlite"))
        #expect(configuration.database == AppConfiguration.defaultDatabase())
        #expect(configuration.smpp == nil)
        #expect(configuration.smtp == nil)
        #expect(configuration.gateway == nil)
        #expect(configuration.branding.helpline == "8900")
    }

    @Test("a complete production environment loads")
    func completeProduction() throws {
        // given
        let settings = Self.production

        // when
        let configuration = try AppConfiguration.load(settings)

        // then
        #expect(configuration.mode == .production)
        #expect(configuration.database == .postgres(url: "postgres://selfcare:secret@db.internal:5432/selfcare"))
        #expect(configuration.publicURL == "https://selfcare.example.mu")
        #expect(configuration.usesHTTPS)
        #expect(configuration.smpp?.systemID == "selfcare")
        #expect(configuration.smpp?.port == 2775)
        #expect(configuration.smtp?.port == 587)
        #expect(configuration.gateway?.url == "https://pay.example.mu")
    }

    @Test("production with nothing set names every missing setting")
    func productionWithNothingSet() throws {
        // given
        let settings = ["SELFCARE_MODE": "production"]

        // when
        let message = try Self.problems(settings)

        // then
        for name in ["DATABASE_URL", "PUBLIC_URL", "SMPP_HOST", "SMTP_HOST", "GATEWAY_URL"] {
            #expect(message.contains(name), "\(name) is not named in: \(message)")
        }
    }

    @Test("production with SMPP_HOST but no SMPP_SYSTEM_ID names SMPP_SYSTEM_ID")
    func smppWithoutSystemID() throws {
        // given
        var settings = Self.production
        settings["SMPP_SYSTEM_ID"] = nil

        // when
        let message = try Self.problems(settings)

        // then
        #expect(message.contains("SMPP_SYSTEM_ID"))
        #expect(!message.contains("SMPP_PASSWORD"))
    }

    @Test("SMPP_HOST and SMTP_HOST choose the real clients in development too, with their options")
    func messagingOptions() throws {
        // given
        let settings = [
            "SMPP_HOST": "127.0.0.1", "SMPP_PORT": "2776", "SMPP_SYSTEM_ID": "selfcare", "SMPP_PASSWORD": "secret",
            "SMPP_SOURCE_ADDR": "8900", "SMPP_BIND_MODE": "transmitter", "SMPP_REFERENCE_TLV": "0x1401",
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "2525", "SMTP_FROM": "selfcare@example.mu", "SMTP_STARTTLS": "false",
            "SMTP_CA_FILE": "/etc/selfcare/relay-ca.pem",
        ]

        // when
        let configuration = try AppConfiguration.load(settings)

        // then
        #expect(configuration.mode == .development)
        #expect(configuration.smpp?.port == 2776)
        #expect(configuration.smpp?.bindMode == "transmitter")
        #expect(configuration.smpp?.referenceTag == 0x1401)
        #expect(configuration.smtp?.port == 2525)
        #expect(configuration.smtp?.startTLS == false)
        #expect(configuration.smtp?.trustedCertificatesFile == "/etc/selfcare/relay-ca.pem")
    }

    @Test("an SMPP bind mode or reference parameter out of range is named", arguments: [
        ("SMPP_BIND_MODE", "receiver"), ("SMPP_REFERENCE_TLV", "0x0204"), ("SMPP_REFERENCE_TLV", "tag"),
    ])
    func smppOptionsRefused(name: String, value: String) throws {
        // given
        var settings = Self.production
        settings[name] = value

        // when
        let message = try Self.problems(settings)

        // then
        #expect(message.contains(name))
    }

    @Test("production refuses a public URL that is not https")
    func productionNeedsHTTPS() throws {
        // given
        var settings = Self.production
        settings["PUBLIC_URL"] = "http://selfcare.example.mu"

        // when
        let message = try Self.problems(settings)

        // then
        #expect(message.contains("PUBLIC_URL"))
        #expect(message.contains("https://"))
    }

    @Test("an invalid PORT is named", arguments: ["eighty", "70000", "-1"])
    func invalidPort(port: String) throws {
        // given
        let settings = ["PORT": port]

        // when
        let message = try Self.problems(settings)

        // then
        #expect(message.contains("PORT"))
        #expect(message.contains(port))
    }

    @Test("an invalid DATABASE_URL is named")
    func invalidDatabaseURL() throws {
        // given
        let settings = ["DATABASE_URL": "mysql://localhost/selfcare"]

        // when
        let message = try Self.problems(settings)

        // then
        #expect(message.contains("DATABASE_URL"))
    }

    @Test("the French and English locale files have exactly the same keys")
    func localesAgree() throws {
        // given
        let localizer = try Localizer.bundled()

        // when
        let french = localizer.keys(.french)
        let english = localizer.keys(.english)

        // then
        #expect(!french.isEmpty)
        #expect(french.subtracting(english).isEmpty, "only in fr.json: \(french.subtracting(english).sorted())")
        #expect(english.subtracting(french).isEmpty, "only in en.json: \(english.subtracting(french).sorted())")
    }
}

/// Production refuses settings that would let money, codes or forged events through.
@Suite("Production settings")
struct ProductionSettingsTests {
    @Test("weak or test settings are refused in production, each named", arguments: [
        ("GATEWAY_URL", "http://pay.example.mu", "GATEWAY_URL must start with https://"),
        ("GATEWAY_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc4eC39HqLyjWDarjt", "GATEWAY_SECRET_KEY must be a live key"),
        ("GATEWAY_SECRET_KEY", "sk_live_short", "GATEWAY_SECRET_KEY must be a live key"),
        ("GATEWAY_WEBHOOK_SECRET", "whsec_short", "GATEWAY_WEBHOOK_SECRET must have at least 32 characters"),
        ("SELFCARE_CODE_KEY", "", "SELFCARE_CODE_KEY is missing"),
        ("SELFCARE_CODE_KEY", "too short a key", "SELFCARE_CODE_KEY must have at least 32 characters"),
        ("SELFCARE_CLIENT_ID_KEY", "", "SELFCARE_CLIENT_ID_KEY is missing"),
    ])
    func refused(name: String, value: String, message: String) throws {
        // given
        var settings = ConfigurationTests.production
        settings[name] = value

        // when
        let problems = try ConfigurationTests.problems(settings)

        // then
        #expect(problems.contains(message), "\(problems)")
    }

    @Test("a code key shorter than 32 characters is refused in development too, not silently replaced")
    func shortKeyInDevelopment() throws {
        // when
        let problems = try ConfigurationTests.problems(["SELFCARE_CODE_KEY": "short"])

        // then
        #expect(problems.contains("SELFCARE_CODE_KEY must have at least 32 characters, not 5"))
    }

    @Test("the HTTP idle timeout is 30 s by default and HTTP_IDLE_TIMEOUT sets it")
    func idleTimeout() throws {
        // when
        let standard = try AppConfiguration.load([:])
        let set = try AppConfiguration.load(["HTTP_IDLE_TIMEOUT": "5"])
        let problems = try ConfigurationTests.problems(["HTTP_IDLE_TIMEOUT": "0"])

        // then
        #expect(standard.idleTimeout == 30)
        #expect(set.idleTimeout == 5)
        #expect(problems.contains("HTTP_IDLE_TIMEOUT"))
    }
}

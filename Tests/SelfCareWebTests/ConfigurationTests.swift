import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// CONTRACT §7: configuration from the environment; production names every missing or invalid setting.
@Suite("Configuration")
struct ConfigurationTests {
    /// A complete production environment, its keys made with `openssl rand -base64 48`.
    static let production: [String: String] = [
        "SELFCARE_MODE": "production", "DATABASE_URL": "postgres://selfcare:secret@db.internal:5432/selfcare",
        "PUBLIC_URL": "https://selfcare.example.mu/", "SMPP_HOST": "smsc.internal", "SMPP_SYSTEM_ID": "selfcare",
        "SMPP_PASSWORD": "secret", "SMPP_SOURCE_ADDR": "8900", "SMTP_HOST": "relay.internal", "SMTP_FROM": "selfcare@example.mu",
        "GATEWAY_URL": "https://pay.example.mu", "GATEWAY_SECRET_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc4eC39HqLyjWDarjt",
        "GATEWAY_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "SELFCARE_CODE_KEY": "lKfvzyBsHtjrtYRxOFnoLr/xIE//HUjM0qIjl1bKIJ7ouI+dtD3qsnR+TQiSDcGV",
        "SELFCARE_CLIENT_ID_KEY": "JFR/6zKaXpWbM3D4qSG6mNh9dqqE1vj/OcQNjY0I3hSV/bOEPOSwrtCzX+deH9k0",
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
        ("SELFCARE_CODE_KEY", "too short a key", "SELFCARE_CODE_KEY must carry at least 256 bits"),
        ("SELFCARE_CLIENT_ID_KEY", "", "SELFCARE_CLIENT_ID_KEY is missing"),
        ("SELFCARE_CODE_KEY", "CHANGE-ME-openssl-rand-base64-48", "SELFCARE_CODE_KEY still holds the example's CHANGE-ME placeholder"),
        ("SELFCARE_CLIENT_ID_KEY", "CHANGE-ME-lKfvzyBsHtjrtYRxOFnoLr/xIE//HUjM0qIjl1bKIJ7ouI+dtD3qsnR+TQiSDcGV",
         "SELFCARE_CLIENT_ID_KEY still holds the example's CHANGE-ME placeholder"),
        // 42 base64 characters are 31 bytes; 63 hex digits are 252 bits; a passphrase is neither base64 nor hex.
        ("SELFCARE_CLIENT_ID_KEY", "fVLuH0vvgWleLCmpjf4c5pIQNb5wY/x1ikfgOPAg6t", "SELFCARE_CLIENT_ID_KEY must carry at least 256 bits"),
        ("SELFCARE_CODE_KEY", "caf2794d26591044b5952a3517971c6df044184d8afe715cf1a8c630b5d6331", "SELFCARE_CODE_KEY must carry at least 256 bits"),
        ("SELFCARE_CODE_KEY", "correct horse battery staple, then a few more words", "SELFCARE_CODE_KEY must carry at least 256 bits"),
        ("METRICS_TOKEN", "m3tr1cs-t0ken", "METRICS_TOKEN must have at least 32 characters in production"),
        ("GATEWAY_WEBHOOK_SECRET", "CHANGE-ME-webhook-secret-of-many-characters", "GATEWAY_WEBHOOK_SECRET still holds the example's CHANGE-ME placeholder"),
        ("DATABASE_URL", "postgres://selfcare:CHANGE-ME@db.internal:5432/selfcare", "DATABASE_URL still holds the example's CHANGE-ME placeholder"),
        ("SMTP_PASSWORD", "CHANGE-ME", "SMTP_PASSWORD still holds the example's CHANGE-ME placeholder"),
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

    @Test("a key refused in production names the key and says how to make one")
    func keyRefusalSaysHow() throws {
        // given
        var settings = ConfigurationTests.production
        settings["SELFCARE_CLIENT_ID_KEY"] = "too short a key"

        // when
        let problems = try ConfigurationTests.problems(settings)

        // then
        #expect(problems.contains("SELFCARE_CLIENT_ID_KEY must carry at least 256 bits, as 43 or more base64 characters or 64 hex digits: "
            + "make one with openssl rand -base64 48"))
    }

    @Test("production keys of 256 bits load, written in base64 (padded or not, URL-safe too) or hex", arguments: [
        "fVLuH0vvgWleLCmpjf4c5pIQNb5wY/x1ikfgOPAg6t8=", "fVLuH0vvgWleLCmpjf4c5pIQNb5wY/x1ikfgOPAg6t8",
        "tdxY4VF34ovnx5S3rbCYI5KoFmZhSlVJo4kDo28lnGjn", "caf2794d26591044b5952a3517971c6df044184d8afe715cf1a8c630b5d63319",
    ])
    func strongKeys(key: String) throws {
        // given
        var settings = ConfigurationTests.production
        settings["SELFCARE_CODE_KEY"] = key

        // when
        let configuration = try AppConfiguration.load(settings)

        // then
        #expect(configuration.keys.codeKey == key)
    }

    @Test("production secrets must all differ: the two keys, the gateway's secrets and the metrics token", arguments: [
        ("SELFCARE_CODE_KEY", "SELFCARE_CLIENT_ID_KEY"), ("SELFCARE_CLIENT_ID_KEY", "METRICS_TOKEN"),
        ("GATEWAY_WEBHOOK_SECRET", "METRICS_TOKEN"),
    ])
    func distinctSecrets(first: String, second: String) throws {
        // given one value for both
        var settings = ConfigurationTests.production
        settings["METRICS_TOKEN"] = "Zm9yIHRoZSBtZXRyaWNzIGVuZHBvaW50IG9ubHkgYW5kIG5vdGhpbmcgZWxzZQ"
        settings[second] = settings[first]

        // when
        let problems = try ConfigurationTests.problems(settings)

        // then
        #expect(problems.contains("\(first) and \(second) must differ"), "\(problems)")
    }

    @Test("the deploy example, unchanged, is refused: every CHANGE-ME placeholder is named")
    func deployExampleRefused() throws {
        // given deploy/selfcare.env.example as written
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy/selfcare.env.example")
        var settings: [String: String] = [:]
        for line in try String(contentsOf: example, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { settings[parts[0]] = parts[1] }
        }
        let placeholders = settings.filter { $0.value.contains("CHANGE-ME") }.keys.sorted()

        // when
        let problems = try ConfigurationTests.problems(settings)

        // then
        #expect(placeholders.contains("SELFCARE_CODE_KEY") && placeholders.contains("DATABASE_URL"))
        for name in placeholders {
            #expect(problems.contains("\(name) still holds the example's CHANGE-ME placeholder"), "\(name) not named in \(problems)")
        }
    }

    @Test("the command line in production refuses a missing or weak SELFCARE_CLIENT_ID_KEY in one line, before issuing anything",
          arguments: [nil, "too short a key", "CHANGE-ME-openssl-rand-base64-48"] as [String?])
    func commandLineKey(key: String?) async throws {
        // given
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-cli-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = ["SELFCARE_MODE": "production"]
        environment["SELFCARE_CLIENT_ID_KEY"] = key

        // when
        let outcome = try await CommandRun(
            ["issue-client-id", "--client", "C200", "--database", "sqlite://" + folder.appendingPathComponent("cli.sqlite").path],
            environment: environment
        ).run()

        // then
        #expect(outcome.status == 1)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
        #expect(outcome.standardError.hasPrefix("selfcare: SELFCARE_CLIENT_ID_KEY"), "\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test("development keeps its defaults: no keys, a 32-character key, and a short metrics token are accepted")
    func developmentKeepsItsDefaults() throws {
        // when
        let configuration = try AppConfiguration.load([
            "SELFCARE_CLIENT_ID_KEY": "a key of thirty-two characters!!", "METRICS_TOKEN": "m3tr1cs-t0ken",
        ])

        // then
        #expect(configuration.keys.codeKey == nil)
        #expect(configuration.keys.clientIDKey == "a key of thirty-two characters!!")
        #expect(configuration.metricsToken == "m3tr1cs-t0ken")
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

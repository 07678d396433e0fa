import Foundation
import Logging
import SelfCareCore
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore
import ServiceLifecycle
import Tracing

/// The composition root: reads nothing but the configuration it is given, opens and migrates the database, builds the
/// outside clients (SMSC, relay, card gateway, callback client), the use cases and the background workers. The HTTP
/// server, every command and the tests start the portal through it; nothing else wires.
package struct PortalSystem: Sendable {
    package let configuration: AppConfiguration
    package let services: PortalServices
    package let outboxWorker: OutboxWorker
    /// Traces requests and statements when tracing is configured.
    package let tracer: (any Tracer)?
    /// Answers `/health` and readiness.
    package let health: HealthCheck
    /// The figures `/metrics` exposes.
    package let operations: OperationsReport
    /// The development message log (`/dev/messages`).
    package let devMessages: DevMessageLog
    /// What runs beside the HTTP server; stopped in reverse order.
    package let backgroundServices: [any Service]
    private let database: Database
    /// The SMSC link when SMS go over SMPP.
    private let smppClient: SMPPClient?

    package var registrations: RegistrationService { services.registrations }
    package var authentication: AuthenticationService { services.authentication }
    package var resets: PasswordResetService { services.resets }
    package var payments: PaymentService { services.payments }

    /// Opens and migrates the configured database, refuses demo data in production unless asked, and builds everything.
    package static func start(configuration: AppConfiguration, dependencies: AppDependencies, logger: Logger) async throws -> PortalSystem {
        let tracing = try configuration.tracing.map { try PortalTracing($0, logger: logger) }
        let database = try await Database.open(configuration.database, logger: logger, tracer: tracing?.tracer)
        do {
            try await Migrator(database: database).migrate()
            try await DemoDataInProduction.check(configuration, database: database)
            return try await PortalSystem(
                configuration: configuration, database: database, dependencies: dependencies, logger: logger, tracing: tracing)
        } catch {
            // Nothing runs: the database is closed before the error is reported.
            await database.close()
            throw error
        }
    }

    /// Builds the portal over a database already open and migrated (tests use a second one on the same data).
    package init(
        configuration: AppConfiguration, database: Database, dependencies: AppDependencies, logger: Logger,
        tracing: PortalTracing? = nil
    ) async throws {
        self.configuration = configuration
        self.database = database
        self.tracer = tracing?.tracer
        let clock = dependencies.clock
        let gateway: any CardGateway = dependencies.cardGateway
            ?? configuration.gateway.map { HTTPCardGateway(baseURL: $0.url, secretKey: $0.secretKey) }
            ?? UnavailableGateway()
        var settings = PortalServiceSettings(
            clock: clock, scrypt: dependencies.scrypt, loginThrottling: dependencies.loginThrottling, branding: configuration.branding,
            publicURL: configuration.publicURL, returnOrigins: Set([configuration.publicOrigin] + configuration.paymentReturnOrigins),
            codeKey: configuration.keys.codeKey, clientIDKey: configuration.keys.clientIDKey, gateway: gateway,
            webhookSecret: configuration.gateway?.webhookSecret ?? "", logger: logger,
            apiRequestsPerMinute: configuration.apiRequestsPerMinute,
            callbackPolicy: CallbackPolicy(
                production: configuration.mode == .production, extraPorts: configuration.callbackPorts,
                resolver: dependencies.hostResolver ?? SystemHostResolver()),
            callbackPoster: dependencies.callbackPoster ?? PinnedCallbackClient())
        settings.codePolicy = dependencies.codePolicy
        services = try await PortalServices(database: database, settings: settings)
        smppClient = dependencies.messageSender != nil ? nil : configuration.smpp.map { settings in
            SMPPClient(configuration: .init(settings), receipts: OutboxReceiptRecorder(database: database, clock: clock), logger: logger)
        }
        let sender = dependencies.messageSender ?? Self.sender(
            for: configuration, smpp: smppClient, attachments: services.receiptAttachments, clock: clock, logger: logger)
        outboxWorker = OutboxWorker(database: database, sender: sender, clock: clock, logger: logger)
        health = HealthCheck(database: database)
        operations = OperationsReport(database: database, clock: clock)
        devMessages = DevMessageLog(database: database)

        // Services stop in reverse order: the span exporter goes last, sending what the others traced.
        var background: [any Service] = (tracing.map { [$0.exporter] } ?? []) + [DatabaseService(database: database)]
            + dependencies.companionServices
        if dependencies.runsOutboxWorker {
            // The SMSC link outlives the worker that sends over it.
            if let smppClient { background.append(SMPPLinkService(client: smppClient)) }
            background.append(OutboxWorkerService(worker: outboxWorker))
            background.append(PaymentReconcilerService(payments: services.payments))
            background.append(HubDeliveryService(worker: services.hubDeliveries))
        }
        backgroundServices = background
    }

    /// Unbinds from the SMSC (a portal whose background services do not run, as in tests, keeps the link otherwise).
    package func unbindSMSC() async {
        await smppClient?.shutdown()
    }

    /// Closes the database (for a portal that will not run).
    package func close() async {
        await database.close()
    }

    /// SMS over SMPP when `SMPP_HOST` is set and e-mail over SMTP when `SMTP_HOST` is set, in any mode; otherwise
    /// the dev sink (production refuses to start without both).
    private static func sender(
        for configuration: AppConfiguration, smpp: SMPPClient?, attachments: any MailAttachmentProvider, clock: any WallClock, logger: Logger
    ) -> any MessageSender {
        let sink = DevMessageSink(logger: logger)
        let email: any MessageSender = configuration.smtp.map { settings in
            SMTPClient(configuration: .init(settings, operatorName: configuration.branding.operatorName), attachments: attachments,
                       clock: clock, logger: logger)
        } ?? sink
        return ChannelRouter(sms: smpp ?? sink, email: email)
    }
}

extension SMPPClient.Configuration {
    init(_ settings: SMPPSettings) {
        self.init(host: settings.host, port: settings.port, systemID: settings.systemID, password: settings.password,
                  sourceAddress: settings.sourceAddress)
        bindMode = settings.bindMode == "transmitter" ? .transmitter : .transceiver
        referenceTag = settings.referenceTag
    }
}

extension SMTPClient.Configuration {
    init(_ settings: SMTPSettings, operatorName: String) {
        self.init(host: settings.host, port: settings.port, username: settings.username, password: settings.password,
                  from: settings.from, fromName: "\(operatorName) SelfCare", tls: settings.startTLS ? .required : .whenOffered,
                  trustedCertificatesFile: settings.trustedCertificatesFile)
    }
}

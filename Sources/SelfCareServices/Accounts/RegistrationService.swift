import Foundation
import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// The brochure's registration: identifier and form → activation code by SMS to the number on file → password →
/// confirmation SMS and e-mail. Unknown and already registered identifiers get the same answers as real ones.
package struct RegistrationService: Sendable {
    let database: Database
    let clock: any WallClock
    let codes: OneTimeCodes
    let hasher: PasswordHasher
    let passwordCheck: NewPasswordCheck
    let branding: Branding
    let publicURL: String
    let directory: IdentityDirectory
    private let flows = FlowRepository()

    /// The registration form.
    package struct Form: Sendable {
        package var identifier: String
        package var fullName: String
        package var email: String
        package var acceptTerms: Bool
        package var language: Language
        package var clientAddress: String?

        package init(identifier: String, fullName: String, email: String, acceptTerms: Bool, language: Language, clientAddress: String?) {
            self.identifier = identifier
            self.fullName = fullName
            self.email = email
            self.acceptTerms = acceptTerms
            self.language = language
            self.clientAddress = clientAddress
        }
    }

    /// Checks the form and starts a registration; returns its id. Only a mistyped form gets an error.
    package func start(_ form: Form) async throws -> Result<String, FormErrors> {
        var errors: [ServiceError] = []
        var identifier: LoginIdentifier?
        do { identifier = try LoginIdentifier(form.identifier) } catch {
            errors.append(.field("identifier", error.messageKey, code: "invalid_identifier"))
        }
        let fullName = form.fullName.trimmingCharacters(in: .whitespacesAndNewlines)
        if fullName.isEmpty || fullName.unicodeScalars.count > 200 { errors.append(.field("fullName", "error.register.fullName", code: "invalid_full_name")) }
        let email = form.email.trimmingCharacters(in: .whitespaces)
        if !EmailAddress.isPlausible(email) { errors.append(.field("email", "error.register.email", code: "invalid_email")) }
        if !form.acceptTerms { errors.append(.field("acceptTerms", "error.register.terms", code: "terms_not_accepted")) }
        guard errors.isEmpty, let identifier else { return .failure(FormErrors(errors: errors)) }

        let id = SecretTokens.random(bytes: 18)
        let now = clock.now()
        let subject = directory.subject(identifier)
        let (codes, branding, directory, flows) = (self.codes, self.branding, self.directory, self.flows)
        try await database.transaction { db in
            let identity = try await directory.resolve(identifier, on: db)
            let existing: PortalUser? = if let identity { try await UserRepository().user(scope: identity.scope, on: db) } else { nil }
            let usable = identity != nil && existing == nil && identity?.numberOnFile != nil
            try await flows.insertRegistration(
                Registration(
                    id: id, scope: usable ? identity?.scope : nil, identifier: subject, fullName: fullName, email: email,
                    language: form.language, status: usable ? .pending : .void, createdAt: now),
                termsVersion: branding.termsVersion, clientAddress: form.clientAddress, now: now, on: db)
            if existing != nil, let number = identity?.numberOnFile {
                // One warning an hour is enough; more would let anyone flood the owner's phone. The hour runs from the
                // last warning sent, not the last attempt, so an owner under a steady stream of attempts is told hourly.
                let warning = Notices.registrationAttempt(to: number, helpline: branding.helpline, operatorName: branding.operatorName,
                                                          language: form.language)
                let warned = try await OutboxRepository().count(
                    purpose: warning.purpose, recipient: warning.message.recipient, since: now.addingTimeInterval(-3600), on: db)
                if warned == 0 {
                    try await OutboxRepository().enqueue(warning, now: now, on: db)
                }
                try await AuditRepository().record(AuditEvent(
                    action: .registrationAttemptOnRegistered, identifier: subject, clientAddress: form.clientAddress,
                    occurredAt: now), on: db)
            }
            // Unknown and already registered identifiers get a code too, sent nowhere, so wrong tries, the resend wait and
            // the hourly limit answer alike. A refused code (hourly limit) must not tell the caller the identifier exists.
            try? await codes.issue(purpose: .activation, flowID: id, subject: subject, to: usable ? identity?.numberOnFile : nil,
                                   language: form.language, clientAddress: form.clientAddress, now: now, on: db)
            try await AuditRepository().record(AuditEvent(
                action: .registrationStarted, identifier: subject, clientAddress: form.clientAddress,
                detail: identity == nil ? "unknown" : (existing == nil ? "new" : "registered"), occurredAt: now), on: db)
        }
        return .success(id)
    }

    /// The registration, if it exists and has not expired (a day after it started).
    /// True while registration `id` is under way (started, not yet finished or expired).
    package func exists(id: String) async throws -> Bool {
        try await registration(id: id) != nil
    }

    /// True when registration `id` has its code checked and waits for its password.
    package func awaitsPassword(id: String) async throws -> Bool {
        try await registration(id: id)?.status == .verified
    }

    func registration(id: String) async throws -> Registration? {
        let now = clock.now()
        return try await database.read { db in
            guard let registration = try await FlowRepository().registration(id: id, on: db),
                  registration.createdAt.addingTimeInterval(24 * 3600) > now else { return nil }
            return registration
        }
    }

    /// Checks the activation code.
    package func activate(id: String, code: String) async throws -> Result<Void, ServiceError> {
        let now = clock.now()
        guard let registration = try await registration(id: id) else { return .failure(Self.notFound) }
        guard registration.status == .pending || registration.status == .void else {
            return registration.status == .verified ? .success(()) : .failure(Self.notFound)
        }
        let (codes, flows) = (self.codes, self.flows)
        return try await database.transaction { db in
            let result = try await codes.verify(code, flowID: id, now: now, on: db)
            if case .success = result {
                try await flows.setRegistrationStatus(id: id, to: .verified, now: now, on: db)
            } else {
                try await AuditRepository().record(AuditEvent(action: .activationFailed, identifier: registration.identifier,
                                                              occurredAt: now), on: db)
            }
            return result
        }
    }

    /// Sends a new code when the wait is over and returns 0; returns the seconds still to wait otherwise.
    package func resend(id: String, clientAddress: String?) async throws -> Result<Int, ServiceError> {
        let now = clock.now()
        guard let registration = try await registration(id: id), registration.status == .pending || registration.status == .void else {
            return .failure(Self.notFound)
        }
        let codes = self.codes
        return try await database.transaction { db in
            let wait = try await codes.resendWait(flowID: id, subject: registration.identifier, now: now, on: db)
            guard wait == 0 else { return .success(wait) }
            // A void registration (no scope) gets a code sent nowhere, like its first one.
            let number: MSISDN? = if let scope = registration.scope { try await IdentityDirectory.numberOnFile(scope, on: db) } else { nil }
            do {
                try await codes.issue(purpose: .activation, flowID: id, subject: registration.identifier, to: number,
                                      language: registration.language, clientAddress: clientAddress, now: now, on: db)
            } catch let error as ServiceError {
                return .failure(error)
            }
            return .success(0)
        }
    }

    /// Seconds before the resend button works again.
    package func resendWait(id: String) async throws -> Int {
        let now = clock.now()
        guard let registration = try await registration(id: id) else { return 0 }
        let codes = self.codes
        return try await database.read { db in
            try await codes.resendWait(flowID: id, subject: registration.identifier, now: now, on: db)
        }
    }

    /// Sets the password of a verified registration, creates the login and queues the confirmations.
    package func setPassword(id: String, password: String, confirmation: String, clientAddress: String?) async throws -> Result<Int64, ServiceError> {
        guard let registration = try await registration(id: id), registration.status == .verified, let scope = registration.scope else {
            return .failure(Self.notFound)
        }
        if let refusal = passwordCheck.refusal(password, confirmation: confirmation, subject: registration.identifier,
                                               fullName: registration.fullName, email: registration.email) {
            return .failure(refusal)
        }
        let hash = try await hasher.hash(password)
        let now = clock.now()
        let (branding, publicURL, directory, flows) = (self.branding, self.publicURL, self.directory, self.flows)
        let shownIdentifier = directory.shownInMessages(subject: registration.identifier)
        return try await database.transaction { db in
            guard try await UserRepository().user(scope: scope, on: db) == nil else { return .failure(Self.notFound) }
            let userID = try await UserRepository().insert(
                scope: scope, fullName: registration.fullName, email: registration.email, language: registration.language,
                passwordHash: hash, now: now, on: db)
            try await flows.setRegistrationStatus(id: id, to: .completed, now: now, on: db)
            if let number = try await IdentityDirectory.numberOnFile(scope, on: db) {
                // A Client ID is confidential: no message carries it.
                for message in Notices.registrationConfirmed(
                    fullName: registration.fullName, identifier: shownIdentifier, msisdn: number, email: registration.email, userID: userID,
                    operatorName: branding.operatorName, helpline: branding.helpline, portalURL: publicURL, language: registration.language) {
                    try await OutboxRepository().enqueue(message, now: now, on: db)
                }
            }
            try await AuditRepository().record(AuditEvent(
                action: .registrationCompleted, identifier: registration.identifier, userID: userID, clientAddress: clientAddress,
                occurredAt: now), on: db)
            return .success(userID)
        }
    }

    static let notFound = ServiceError(messageKey: "error.register.notFound", code: "registration_not_found", kind: .notFound)
}

/// One of the modules the dependency rule names: a folder under `Sources/` and a target in `Package.swift`.
enum Module: String, CaseIterable, Sendable {
    case core = "SelfCareCore"
    case store = "SelfCareStore"
    case documents = "SelfCareDocuments"
    case messaging = "SelfCareMessaging"
    case payments = "SelfCarePayments"
    case services = "SelfCareServices"
    case sandboxGateway = "SandboxGateway"
    case web = "SelfCareWeb"
    case executable = "selfcare"

    /// The name the design uses in prose: `Web`, `Store`, `SandboxGateway`, `selfcare`.
    var shortName: String {
        rawValue.hasPrefix("SelfCare") ? String(rawValue.dropFirst("SelfCare".count)) : rawValue
    }
}

/// The dependency rule of the design (§3) as data: which of our modules each module may import, and where.
struct DependencyRule: Sendable {
    /// An import allowed in one file only, on top of what its module may import everywhere.
    struct FileException: Sendable {
        let module: Module
        let path: String
        let imported: Module
    }

    /// What every file of a module may import, in the order messages list it.
    let allowed: [Module: [Module]]
    let fileExceptions: [FileException]
    /// Targets of ours the rule does not check, which no checked module may import either.
    let unchecked: [String]

    static let selfCare = DependencyRule(
        allowed: [
            .core: [],
            .store: [.core],
            .documents: [.core],
            .messaging: [.core],
            .payments: [.core],
            .services: [.core, .store, .documents, .messaging, .payments],
            .sandboxGateway: [.core, .store, .payments],
            .web: [.services, .core],
            .executable: [.services, .core],
        ],
        fileExceptions: [
            FileException(module: .executable, path: "Sources/selfcare/Commands/Serve.swift", imported: .web),
            FileException(module: .executable, path: "Sources/selfcare/Commands/Gateway.swift", imported: .sandboxGateway),
        ],
        unchecked: ["SelfCareTestSupport"]
    )

    /// Whether the file at `path`, in `module`, may import `imported`.
    func allowsImport(of imported: Module, by module: Module, inFile path: String) -> Bool {
        allowed[module, default: []].contains(imported)
            || fileExceptions.contains { $0.module == module && $0.path == path && $0.imported == imported }
    }

    /// What `Package.swift` may list for `module`: its imports plus those allowed in one of its files.
    func manifestDependencies(of module: Module) -> [Module] {
        allowed[module, default: []] + fileExceptions.filter { $0.module == module }.map(\.imported)
    }

    /// Why an import of `imported` by `module` is refused, for a failure message.
    func importReason(module: Module, imported: Module?) -> String {
        if let imported, let exception = fileExceptions.first(where: { $0.module == module && $0.imported == imported }) {
            return "\(module.shortName) may import \(imported.rawValue) only in \(exception.path)"
        }
        let modules = allowed[module, default: []]
        return modules.isEmpty
            ? "\(module.shortName) may import none of our modules"
            : "\(module.shortName) may import only \(Self.list(modules))"
    }

    /// Why `Package.swift` may not list a dependency of `module`, for a failure message.
    func manifestReason(module: Module) -> String {
        let modules = manifestDependencies(of: module)
        return modules.isEmpty
            ? "\(module.shortName) may depend on none of our modules"
            : "\(module.shortName) may depend only on \(Self.list(modules))"
    }

    private static func list(_ modules: [Module]) -> String {
        modules.map(\.rawValue).joined(separator: ", ")
    }
}

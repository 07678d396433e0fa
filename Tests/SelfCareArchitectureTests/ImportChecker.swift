/// Checks the edges between our modules, as `Package.swift` declares them and as the sources import them.
struct ImportChecker: Sendable {
    var rule = DependencyRule.selfCare

    /// Dependencies in `Package.swift` the rule forbids, and targets it does not name.
    func manifestViolations(in manifest: PackageManifest) -> [Violation] {
        let ours = Set(Module.allCases.map(\.rawValue) + rule.unchecked + manifest.targets.map(\.name))
        return manifest.targets.flatMap { target -> [Violation] in
            guard let module = Module(rawValue: target.name) else {
                if rule.unchecked.contains(target.name) || target.path?.hasPrefix("Tests/") == true { return [] }
                return [Violation(
                    from: target.name, to: "?", location: "Package.swift:\(target.line)",
                    detail: "declares \(target.name), a target the dependency rule does not name"
                )]
            }
            let allowed = rule.manifestDependencies(of: module).map(\.rawValue)
            return target.dependencies.filter { ours.contains($0.name) && !allowed.contains($0.name) }.map { dependency in
                Violation(
                    from: module.rawValue, to: dependency.name, location: "Package.swift:\(dependency.line)",
                    detail: "lists \(dependency.name) in the dependencies of \(module.rawValue) (\(rule.manifestReason(module: module)))"
                )
            }
        }
    }

    /// Imports in the files under `Sources/` that the rule forbids, and module folders it does not name.
    func importViolations(in files: [SourceFile]) -> [Violation] {
        let sources = files.filter(\.isSource)
        let folders = Set(sources.compactMap(\.target))
        let ours = Set(Module.allCases.map(\.rawValue) + rule.unchecked).union(folders)
        let unknownFolders = folders.filter { Module(rawValue: $0) == nil }.sorted().map { folder in
            Violation(
                from: folder, to: "?", location: "Sources/\(folder)",
                detail: "is a module the dependency rule does not name"
            )
        }
        return unknownFolders + sources.flatMap { file -> [Violation] in
            guard let module = file.target.flatMap(Module.init(rawValue:)) else { return [] }
            return ImportStatement.all(in: file.source).compactMap { statement in
                guard ours.contains(statement.module), statement.module != module.rawValue else { return nil }
                let imported = Module(rawValue: statement.module)
                if let imported, rule.allowsImport(of: imported, by: module, inFile: file.path) { return nil }
                return Violation(
                    from: module.rawValue, to: statement.module, location: file.location(statement.line),
                    detail: "imports \(statement.module) (\(rule.importReason(module: module, imported: imported)))"
                )
            }
        }
    }

    /// Every `@_exported import` of one of our modules, allowed edge or not: it would hand the module on unseen.
    func exportedImportViolations(in files: [SourceFile]) -> [Violation] {
        let ours = Set(Module.allCases.map(\.rawValue) + rule.unchecked + files.filter(\.isSource).compactMap(\.target))
        return files.flatMap { file in
            ImportStatement.all(in: file.source).filter { $0.isExported && ours.contains($0.module) }.map { statement in
                let from = file.target ?? file.path
                return Violation(
                    from: from, to: statement.module, location: file.location(statement.line),
                    detail: "re-exports \(statement.module) with @_exported import "
                        + "(every importer of \(from) would reach \(statement.module) without importing it)"
                )
            }
        }
    }
}

import Testing

/// The manifest reader and the manifest check on a synthetic `Package.swift`.
@Suite("Package manifest")
struct PackageManifestTests {
    static let manifest = """
        // swift-tools-version:6.2
        import PackageDescription

        let package = Package(
            name: "SelfCare",
            products: [.executable(name: "selfcare", targets: ["selfcare"])],
            targets: [
                .target(name: "SelfCareCore", resources: [.copy("Resources")]),
                .target(
                    name: "SelfCareWeb",
                    dependencies: [
                        "SelfCareCore",
                        "SelfCareStore", // not allowed
                        .product(name: "SelfCareStore", package: "elsewhere"),
                        .target(name: "SelfCareServices"),
                    ]
                ),
                .executableTarget(
                    name: "selfcare",
                    dependencies: ["SelfCareServices", "SelfCareWeb", "SandboxGateway", .byName(name: "SelfCareStore")]
                ),
                .target(name: "SelfCareTestSupport", dependencies: ["SelfCareStore"], path: "Tests/SelfCareTestSupport"),
                .testTarget(name: "SelfCareWebTests", dependencies: [.target(name: "SelfCareStore"), "SelfCareWeb"]),
            ]
        )
        """

    @Test("reads each target's name and the dependencies written by name")
    func readsTargets() {
        // given / when
        let manifest = PackageManifest(Self.manifest)

        // then
        #expect(manifest.targets.map(\.name) == ["SelfCareCore", "SelfCareWeb", "selfcare", "SelfCareTestSupport"])
        #expect(manifest.targets[1].dependencies == [
            .init(name: "SelfCareCore", line: 12),
            .init(name: "SelfCareStore", line: 13),
            .init(name: "SelfCareServices", line: 15),
        ])
        #expect(manifest.targets[3].path == "Tests/SelfCareTestSupport")
    }

    @Test("reports the forbidden edges and lets the executable list Web and SandboxGateway")
    func reportsForbiddenEdges() {
        // given
        let manifest = PackageManifest(Self.manifest)

        // when
        let violations = ImportChecker().manifestViolations(in: manifest)

        // then
        #expect(violations.map(\.description) == [
            "SelfCareWeb → SelfCareStore: Package.swift:13 lists SelfCareStore in the dependencies of SelfCareWeb "
                + "(Web may depend only on SelfCareServices, SelfCareCore)",
            "selfcare → SelfCareStore: Package.swift:20 lists SelfCareStore in the dependencies of selfcare "
                + "(selfcare may depend only on SelfCareServices, SelfCareCore, SelfCareWeb, SandboxGateway)",
        ])
    }
}

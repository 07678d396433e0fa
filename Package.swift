// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "SelfCare",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "selfcare", targets: ["selfcare"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", exact: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", exact: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", exact: "2.17.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", exact: "1.19.7"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/JohnSundell/Ink.git", exact: "0.6.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", exact: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(name: "SelfCareCore", resources: [.copy("Resources")]),
        .target(
            name: "SelfCareStore",
            dependencies: [
                "SelfCareCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(name: "SelfCareDocuments", dependencies: ["SelfCareCore"]),
        .target(
            name: "SelfCarePayments",
            dependencies: ["SelfCareCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "SandboxGateway",
            dependencies: [
                "SelfCareCore",
                "SelfCareStore",
                "SelfCarePayments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SelfCareMessaging",
            dependencies: [
                "SelfCareCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SelfCareServices",
            dependencies: [
                "SelfCareCore",
                "SelfCareStore",
                "SelfCareDocuments",
                "SelfCareMessaging",
                "SelfCarePayments",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "SelfCareWeb",
            dependencies: [
                "SelfCareCore",
                "SelfCareServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            // A member of a type from a module Web does not import (a storage row's column) does not compile.
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        .executableTarget(
            name: "selfcare",
            dependencies: [
                "SelfCareCore",
                "SelfCareServices",
                "SelfCareWeb",
                "SandboxGateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "SelfCareTestSupport",
            dependencies: [
                "SelfCareCore", "SelfCareStore", "SelfCareServices",
                .product(name: "SQLKit", package: "sql-kit"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/SelfCareTestSupport"
        ),
        .testTarget(name: "SelfCareCoreTests", dependencies: ["SelfCareCore"]),
        .testTarget(name: "SelfCareArchitectureTests"),
        .testTarget(
            name: "SelfCareDocumentsTests",
            dependencies: ["SelfCareDocuments", "SelfCareCore", "SelfCareTestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "SelfCareStoreTests",
            dependencies: ["SelfCareStore", "SelfCareCore", "SelfCareServices", "SelfCareTestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "SelfCareServicesTests",
            dependencies: ["SelfCareServices", "SelfCareStore", "SelfCareCore", "SelfCareTestSupport", .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "SelfCareMessagingTests",
            dependencies: [
                "SelfCareMessaging",
                "SelfCareServices",
                "SelfCareStore",
                "SelfCareCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SelfCareWebTests",
            dependencies: [
                "SelfCareWeb",
                "SelfCareServices",
                "SelfCareMessaging",
                "SelfCareTestSupport",
                "SelfCareStore",
                "SelfCareCore",
                "SelfCarePayments",
                "SandboxGateway",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"]
        ),
        .testTarget(
            name: "SandboxGatewayTests",
            dependencies: [
                "SandboxGateway",
                "SelfCarePayments",
                "SelfCareStore",
                "SelfCareCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

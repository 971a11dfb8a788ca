// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "mlgit",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "mlgit", targets: ["mlgit"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibGit2",
      path: "Sources/CLibGit2",
      pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"])]
    ),
    // libyaml, the YAML parser specs and configs are read with (Debian's libyaml-dev).
    .systemLibrary(
      name: "CLibYAML",
      path: "Sources/CLibYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]
    ),
    // MLflow's tracking database (mlflow.db), read by `mlgit import mlflow`.
    .systemLibrary(
      name: "CSQLite",
      path: "Sources/CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    .target(name: "SQLiteKit", dependencies: ["CSQLite"]),
    .target(name: "CMLGitSupport", linkerSettings: [.linkedLibrary("z")]),
    .target(name: "GitKit", dependencies: ["CLibGit2", "CMLGitSupport"]),
    .target(name: "MLSpec", dependencies: ["CLibYAML", .product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "MLPolicy", dependencies: ["MLSpec"]),
    .target(
      name: "MLGitCommands",
      dependencies: [
        "GitKit", "MLSpec", "MLPolicy", "CMLGitSupport", "SQLiteKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "mlgit", dependencies: ["MLGitCommands"],
      // Exports CMLGitSupport's interposer so libgit2 binds to it (see mlgit_support.h).
      // --export-dynamic-symbol is a GNU ld/lld flag (Apple's ld64 has none such, and
      // libgit2 there uses no mbedTLS): Linux only, so the macOS build links.
      linkerSettings: [
        .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_file"], .when(platforms: [.linux]))
      ]),
    .testTarget(name: "MLSpecTests", dependencies: ["MLSpec", "TestSupport"]),
    .testTarget(name: "MLPolicyTests", dependencies: ["MLPolicy", "MLSpec", "TestSupport"]),
    // Shared by the test targets: the seeded generator every generated test uses.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "GitKitTests", dependencies: ["GitKit", "TestSupport"]),
    .testTarget(name: "SQLiteKitTests", dependencies: ["SQLiteKit"]),
    // SQLiteKit: tests write MLflow databases of their own (a store's commits, a broken store).
    .testTarget(name: "EndToEndTests", dependencies: ["mlgit", "SQLiteKit"]),
  ],
  swiftLanguageModes: [.v5]
)

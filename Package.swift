// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "mlgit",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mlgit", targets: ["mlgit"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // libgit2's headers (Debian's libgit2-dev); GitKit links the library. No pkgConfig:
    // it would add the shared libgit2 to every link (see GitKit).
    .systemLibrary(name: "CLibGit2", path: "Sources/CLibGit2"),
    // libyaml, the YAML parser specs and configs are read with (Debian's libyaml-dev). MLSpec
    // links it: the archive on Linux, so that no shared library is looked up and mapped
    // for it at every start.
    .systemLibrary(name: "CLibYAML", path: "Sources/CLibYAML", providers: [.apt(["libyaml-dev"])]),
    // MLflow's tracking database (mlflow.db), read by `mlgit import mlflow`: sqlite3.h from
    // Debian's libsqlite3-dev, and libsqlite3 loaded on first use (sqlite_lazy.c), not at start.
    .target(name: "CSQLite", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
    .target(name: "SQLiteKit", dependencies: ["CSQLite", "MLGitErrors"]),
    // PCRE2 (Debian's libpcre2-dev) matches team rules' patterns; on Linux its archive, and
    // zlib's, are linked after libgit2's, which needs both (GitKit's linker settings): the
    // linker resolves an archive's symbols only for what comes before it.
    .target(
      name: "CMLGitSupport",
      cSettings: [.unsafeFlags(["-I/opt/homebrew/include", "-I/usr/local/include"], .when(platforms: [.macOS]))],
      linkerSettings: [
        .unsafeFlags(["-Xlinker", "-l:libz.a"], .when(platforms: [.linux])),
        .unsafeFlags(["-L/opt/homebrew/lib", "-L/usr/local/lib"], .when(platforms: [.macOS])),
        .linkedLibrary("z", .when(platforms: [.macOS])),
        .linkedLibrary("pcre2-8", .when(platforms: [.macOS])),
      ]),
    // ExitStatus and the MLGitError protocol every error type conforms to: below every module.
    .target(name: "MLGitErrors"),
    .target(
      name: "GitKit", dependencies: ["CLibGit2", "CMLGitSupport", "MLGitErrors"],
      swiftSettings: [
        // Homebrew's libgit2 headers (pkg-config's cflags there).
        .unsafeFlags(["-Xcc", "-I/opt/homebrew/include", "-Xcc", "-I/usr/local/include"], .when(platforms: [.macOS]))
      ],
      // On Linux, libgit2 and the libraries it needs are linked statically (Debian's -dev
      // packages ship the archives): loading Debian's shared libgit2 bound thousands of
      // symbols across 18 libraries at every start (docs/performance.md). zlib and PCRE2,
      // which CMLGitSupport uses too, come after libgit2; CMLGitSupport defines the few GSSAPI functions
      // libgit2 names, for HTTP Negotiate only (gssapi_none.c), so no Kerberos library is
      // loaded. --wrap sends libgit2's CA-bundle loads to CMLGitSupport (mlgit_support.h),
      // its TLS set-up to when a TLS stream is used, and its SSH transport to a stub, so that
      // libssh2 and OpenSSL are not linked (transport_init.c).
      linkerSettings: [
        .unsafeFlags(
          ["git2", "mbedtls", "mbedx509", "mbedcrypto", "http_parser", "pcre2-8", "z"]
            .flatMap { ["-Xlinker", "-l:lib\($0).a"] }
            + [
              "mbedtls_x509_crt_parse_file", "git_mbedtls_stream_global_init", "git_mbedtls_stream_new",
              "git_mbedtls_stream_wrap", "git_mbedtls__set_cert_location", "git_transport_ssh_global_init",
              "git_smart_subtransport_ssh", "git_transport_ssh_with_paths",
            ].flatMap { ["-Xlinker", "--wrap=\($0)"] },
          .when(platforms: [.linux])),
        .unsafeFlags(["-L/opt/homebrew/lib", "-L/usr/local/lib"], .when(platforms: [.macOS])),
        .linkedLibrary("git2", .when(platforms: [.macOS])),
      ]),
    // SHA-256 from OpenSSL's libcrypto (Debian's libssl-dev), the archive on Linux: the digest
    // alone is linked (sha256.c). swift-crypto carried BoringSSL whole, 1.7 MB of the binary.
    .target(
      name: "CSHA256",
      cSettings: [.unsafeFlags(["-I/opt/homebrew/opt/openssl@3/include"], .when(platforms: [.macOS]))],
      linkerSettings: [
        .unsafeFlags(["-Xlinker", "-l:libcrypto.a"], .when(platforms: [.linux])),
        .unsafeFlags(["-L/opt/homebrew/opt/openssl@3/lib"], .when(platforms: [.macOS])),
        .linkedLibrary("crypto", .when(platforms: [.macOS])),
      ]),
    .target(
      name: "MLSpec", dependencies: ["CLibYAML", "MLGitErrors", "CSHA256"],
      swiftSettings: [.unsafeFlags(["-Xcc", "-I/opt/homebrew/include"], .when(platforms: [.macOS]))],
      linkerSettings: [
        .unsafeFlags(["-Xlinker", "-l:libyaml.a"], .when(platforms: [.linux])),
        .unsafeFlags(["-L/opt/homebrew/lib"], .when(platforms: [.macOS])),
        .linkedLibrary("yaml", .when(platforms: [.macOS])),
      ]),
    .target(name: "MLPolicy", dependencies: ["MLSpec", "MLGitErrors", "CMLGitSupport"]),
    // What mlgit shows: the audit and score models and their text, JSON, HTML, SARIF and
    // github renderers. Knows nothing of git or of the command line.
    .target(name: "MLGitReport", dependencies: ["MLPolicy", "MLSpec"]),
    // What mlgit does with a repository: the staged, history and push checks, the review
    // lookup, the run ledger and sync, installation, the audit and score builders. No
    // command line (no ArgumentParser): the commands above parse and call it.
    .target(
      name: "MLGitEngine",
      dependencies: ["GitKit", "MLSpec", "MLPolicy", "MLGitErrors", "MLGitReport", "CMLGitSupport", "SQLiteKit"]
    ),
    .target(
      name: "MLGitCommands",
      dependencies: [
        "MLGitEngine", "GitKit", "MLSpec", "MLPolicy", "MLGitErrors", "MLGitReport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      // The command definitions run once per process: optimised for size, not speed
      // (docs/performance.md, "Eighth round").
      swiftSettings: [.unsafeFlags(["-Osize"], .when(configuration: .release))]
    ),
    .executableTarget(
      name: "mlgit", dependencies: ["MLGitCommands"],
      // The release binary (docs/performance.md, "Start-up and binary size"): linked by lld,
      // which folds identical functions (--icf=all: Swift emits many identical thunks and
      // specialisations) and can pack relative relocations (./install.sh adds that where
      // the C library reads them); and without `-export-dynamic`, which the static Swift
      // standard library's link sets and which exported the 10,400 public symbols of
      // mlgit's own objects, each then a root --gc-sections had to keep.
      linkerSettings: [
        .unsafeFlags(
          ["-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "--icf=all"],
          .when(platforms: [.linux], configuration: .release))
      ]),
    .testTarget(name: "MLSpecTests", dependencies: ["MLSpec", "TestSupport"]),
    .testTarget(name: "MLPolicyTests", dependencies: ["MLPolicy", "MLSpec", "TestSupport"]),
    // Shared by the test targets: the seeded generator every generated test uses.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "GitKitTests", dependencies: ["GitKit", "TestSupport"]),
    .testTarget(name: "MLGitReportTests", dependencies: ["MLGitReport", "MLPolicy", "MLSpec"]),
    .testTarget(name: "SQLiteKitTests", dependencies: ["SQLiteKit", "MLGitErrors"]),
    .testTarget(
      name: "MLGitEngineTests", dependencies: ["MLGitEngine", "GitKit", "MLGitReport", "MLPolicy", "MLSpec"]),
    // SQLiteKit: tests write MLflow databases of their own (a store's commits, a broken store).
    .testTarget(name: "EndToEndTests", dependencies: ["mlgit", "SQLiteKit"]),
    .testTarget(
      name: "MLGitErrorsTests",
      dependencies: ["MLGitErrors", "MLGitCommands", "MLGitEngine", "GitKit", "MLSpec", "MLPolicy"]),
  ]
)

// Generic types used in mlgit's code (a Dictionary keyed by a struct, a Result) are made
// by calling their metadata accessors, not looked up by mangled name at run time: the
// lookup scans every protocol-conformance record in the binary (6,500, mostly
// Foundation's) once per new type and protocol, about 390,000 instructions a scan, several
// times in every hook (docs/performance.md, "Start-up and binary size").
for target in package.targets where target.type == .regular || target.type == .executable {
  guard !["CMLGitSupport", "CSHA256", "CSQLite"].contains(target.name) else { continue }
  target.swiftSettings =
    (target.swiftSettings ?? []) + [
      .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])
    ]
}

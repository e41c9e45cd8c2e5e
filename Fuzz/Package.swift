// swift-tools-version: 6.1
import PackageDescription

// The libFuzzer driver, a package of its own: it is built only with `-sanitize=fuzzer` (scripts/fuzz), whose
// runtime brings LLVMFuzzerRunDriver, while the root package builds and tests without it. The targets
// themselves are the root package's FuzzTargets library.
let package = Package(
    name: "SMSocketFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "SMSocket", path: "..")],
    targets: [
        .executableTarget(name: "smsocket-fuzz", dependencies: [.product(name: "FuzzTargets", package: "SMSocket")])
    ]
)

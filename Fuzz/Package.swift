// swift-tools-version:6.1
// libFuzzer targets over Assay's parsers. Not part of the main package: build with
// `swift build --sanitize fuzzer --sanitize address` through Fuzz/run.sh (`make fuzz`).
// Sources/<Module> are symbolic links to the main package's modules.
import PackageDescription

let package = Package(
    name: "AssayFuzz",
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat"),
        .target(name: "AssayCore"),
        .target(name: "AssayBMFF", dependencies: ["AssayCore", "COpenSSL"]),
        .target(name: "AssayC2PA", dependencies: ["AssayCore", "AssayBMFF", "COpenSSL"]),
        .target(name: "AssayArchive", dependencies: ["AssayCore", "CZlib"]),
        .target(name: "AssayMedia", dependencies: ["AssayCore", "CFFmpeg"]),
        .executableTarget(name: "fuzz-bmff", dependencies: ["AssayBMFF"]),
        .executableTarget(name: "fuzz-c2pa", dependencies: ["AssayC2PA"]),
        .executableTarget(name: "fuzz-manifest", dependencies: ["AssayC2PA", "AssayBMFF"]),
        .executableTarget(name: "fuzz-aigc", dependencies: ["AssayBMFF", "AssayCore"]),
        .executableTarget(name: "fuzz-archive", dependencies: ["AssayArchive"]),
        .executableTarget(name: "fuzz-media", dependencies: ["AssayMedia", "AssayCore"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
// Assay: labels AI-generated video (C2PA manifest, invisible watermark, GB 45438 label) and
// verifies what it receives. Layout and import rules: DESIGN.md (arrows point down only).
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Assay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "assay", targets: ["assay"]),
        .library(name: "Assay", targets: ["Assay"]),
        .library(name: "AssayCore", targets: ["AssayCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C system libraries (module maps + static-inline shims for macros that do not import).
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),

        // The shared model: pure Swift, no dependencies.
        .target(name: "AssayCore", swiftSettings: strictSettings),
        // ISO BMFF box reader/editor, MP4 metadata, streamed file digests (OpenSSL EVP).
        .target(name: "AssayBMFF", dependencies: ["AssayCore", "COpenSSL"], swiftSettings: strictSettings),
        // Demux/decode/encode/mux via FFmpeg.
        .target(name: "AssayMedia", dependencies: ["AssayCore", "CFFmpeg"], swiftSettings: strictSettings),
        // C2PA: CBOR, JUMBF, COSE, claim, BMFF hash, signer, trust, validator.
        .target(name: "AssayC2PA", dependencies: ["AssayCore", "AssayBMFF", "COpenSSL"], swiftSettings: strictSettings),
        // Invisible watermark on AssayCore frame planes (pure Swift).
        .target(name: "AssayWatermark", dependencies: ["AssayCore"], swiftSettings: strictSettings),
        // Artifact classifier on AssayCore frame planes (pure Swift).
        .target(name: "AssayClassifier", dependencies: ["AssayCore"], swiftSettings: strictSettings),
        // Zip and tar readers for scan: bounded, member by member, never the whole archive at once.
        .target(name: "AssayArchive", dependencies: ["AssayCore", "CZlib"], swiftSettings: strictSettings),
        // The three jobs: Labeler, Verifier, Scanner (+ report writers). Only place lanes meet.
        .target(
            name: "Assay",
            dependencies: [
                "AssayCore", "AssayBMFF", "AssayMedia", "AssayC2PA", "AssayWatermark", "AssayClassifier", "AssayArchive",
                "CFreeType", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        // The CLI: parses arguments and prints, nothing else.
        // Benchmarks/bmff: SHA-256 and BoxEditor throughput (run via Benchmarks/bmff/run.sh, release build).
        .executableTarget(name: "bmff-bench", dependencies: ["AssayBMFF"], path: "Benchmarks/bmff/bench", swiftSettings: strictSettings),
        .executableTarget(
            name: "assay",
            dependencies: ["Assay", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings),
        // Classifier training/eval tool: raw YUV frames in, feature vectors or decisions out (JSON lines).
        .executableTarget(name: "assay-features", dependencies: ["AssayClassifier", "AssayCore"],
                          path: "Classifiers/tools/assay-features", swiftSettings: strictSettings),

        // Watermark benchmark harness (speed, quality, robustness, false positives); see Benchmarks/watermark.
        .executableTarget(name: "wm-bench", dependencies: ["AssayWatermark", "AssayCore"], path: "Benchmarks/watermark/wm-bench",
                          swiftSettings: strictSettings),

        // Test helpers shared by test targets (fixture generation, temp dirs, running the CLI).
        .target(name: "AssayTestSupport", dependencies: ["AssayCore"], path: "Tests/AssayTestSupport",
                swiftSettings: strictSettings),
        // Speed benchmarks (Benchmarks/media/run.sh builds this in release mode and times it against the ffmpeg CLI).
        .executableTarget(name: "media-bench", dependencies: ["AssayCore", "AssayMedia"], path: "Benchmarks/media",
                          exclude: ["run.sh"], swiftSettings: strictSettings),
        .testTarget(name: "AssayCoreTests", dependencies: ["AssayCore"], swiftSettings: strictSettings),
        .testTarget(name: "AssayBMFFTests", dependencies: ["AssayBMFF", "AssayTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "AssayMediaTests", dependencies: ["AssayMedia", "AssayTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "AssayC2PATests", dependencies: ["AssayC2PA", "AssayBMFF", "AssayTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "AssayWatermarkTests", dependencies: ["AssayWatermark", "AssayTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "AssayClassifierTests", dependencies: ["AssayClassifier", "AssayTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "AssayArchiveTests", dependencies: ["AssayArchive", "AssayTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "AssayTests", dependencies: ["Assay", "AssayTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "AssayEndToEndTests", dependencies: ["AssayTestSupport"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)

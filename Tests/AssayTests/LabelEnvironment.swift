import Assay
import AssayCore
import AssayTestSupport
import Foundation

/// A private config and data folder with a development identity and a watermark key, made once per
/// test process and shared by the label/verify/scan tests.
final class LabelEnvironment: @unchecked Sendable {
    static let shared: Result<LabelEnvironment, Error> = Result { try LabelEnvironment() }

    let dir: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        dir = try TemporaryDirectory(prefix: "assay-label")
        environment = ["XDG_CONFIG_HOME": dir.path("config").path, "XDG_DATA_HOME": dir.path("data").path,
                       "HOME": dir.url.path]
        let paths = AssayPaths(environment: environment)
        _ = try paths.keyStore.initialize(organization: "Test Org")
        _ = try WatermarkJob.createKey(path: paths.watermarkKey)
    }

    func options(profile: LabelProfile = .default, producer: String = "Test Org") -> LabelOptions {
        LabelOptions(producer: producer, generator: .init(name: "test-gen", version: "0.1"), profile: profile, crf: 20,
                     preset: "veryfast", encoderThreads: 1, environment: environment)
    }

    func labeler(profile: LabelProfile = .default) throws -> Labeler { try Labeler(options: options(profile: profile)) }

    func verifier(watermark: Bool = true, thumbnails: Int = 0) throws -> Verifier {
        try Verifier(options: VerifyOptions(watermark: watermark, classifier: false, decodeSeconds: 4, thumbnails: thumbnails,
                                            environment: environment))
    }

    /// A fresh output path in the environment's folder.
    func output(_ name: String) -> String { dir.path("\(UUID().uuidString.prefix(6))-\(name)").path }

    /// Runs the ffmpeg CLI.
    static func ffmpeg(_ args: [String]) throws {
        let r = try Subprocess.run("/usr/bin/env", ["ffmpeg", "-nostdin", "-v", "error", "-y"] + args)
        guard r.status == 0 else { throw TestFixtures.FixtureError(message: "ffmpeg failed: \(r.stderrText)") }
    }

    static func sha256(_ path: String) throws -> String {
        let r = try Subprocess.run("/usr/bin/env", ["sha256sum", path])
        return String(r.stdoutText.prefix(64))
    }
}

import AssayTestSupport
import Foundation
import Testing

/// Runs the built `assay` binary: keys init, sign, verify (manifest lane) and their exit codes.
@Suite("assay keys/sign/verify (CLI)")
struct ManifestEndToEndTests {
    static var binary: String { TestFixtures.packageRoot.appendingPathComponent(".build/debug/assay").path }

    final class Env: @unchecked Sendable {
        let dir: TemporaryDirectory
        let env: [String: String]
        init() throws {
            dir = try TemporaryDirectory(prefix: "assay-e2e")
            env = ["XDG_CONFIG_HOME": dir.path("config").path]
        }
        func run(_ args: [String], env extra: [String: String] = [:]) throws -> Subprocess.Result {
            try Subprocess.run(ManifestEndToEndTests.binary, args, environment: env.merging(extra) { $1 })
        }
        var configDir: URL { dir.path("config/assay") }
    }

    @Test(
        "keys init, sign, verify: exit codes 0/1/3/4/5 and no key material printed",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: ManifestEndToEndTests.binary), "assay binary not built"))
    func flow() throws {
        let e = try Env()
        let initRun = try e.run(["keys", "init", "--organization", "E2E Org"])
        #expect(initRun.status == 0)
        #expect(!initRun.stdoutText.contains("PRIVATE KEY") && !initRun.stderrText.contains("PRIVATE KEY"))
        for key in ["signer.key", "root-ca.key"] {
            let attrs = try FileManager.default.attributesOfItem(atPath: e.configDir.appendingPathComponent(key).path)
            #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
        #expect(try e.run(["keys", "init"]).status == 2)  // refuses to overwrite

        let input = try TestFixtures.generated("h264_faststart.mp4")
        let out = e.dir.path("out.mp4")
        let sign = try e.run(["sign", input.path, "-o", out.path])
        #expect(sign.status == 0, "\(sign.stderrText)")

        let verify = try e.run(["verify", out.path])
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderrText)")
        #expect(verify.stdoutText.contains("Trusted"))

        let json = try e.run(["verify", out.path, "--c2pa-json"])
        let obj = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect(obj?["validation_state"] as? String == "Trusted")
        let full =
            try JSONSerialization.jsonObject(with: try e.run(["verify", out.path, "--json"]).stdout) as? [String: Any]
        #expect(full?["schema"] as? String == "assay.verify/2")
        #expect((full?["c2pa"] as? [String: Any])?["validation_state"] as? String == "Trusted")

        // No trust anchors configured: Valid but untrusted → 4.
        let other = try TemporaryDirectory()
        #expect(try e.run(["verify", out.path], env: ["XDG_CONFIG_HOME": other.url.path]).status == 4)
        // ... unless the root is passed with --trust.
        let withTrust = try e.run(
            ["verify", out.path, "--trust", e.configDir.appendingPathComponent("root-ca.pem").path],
            env: ["XDG_CONFIG_HOME": other.url.path])
        #expect(withTrust.status == 0)

        // Tampered → 1.
        var bytes = try Data(contentsOf: out)
        bytes[bytes.count - 100] ^= 0xff
        let tampered = e.dir.path("tampered.mp4")
        try bytes.write(to: tampered)
        #expect(try e.run(["verify", tampered.path]).status == 1)

        // Unsigned → 3; not BMFF → 5.
        #expect(try e.run(["verify", input.path]).status == 3)
        // Matroska: no C2PA there, but `keys init` made a watermark key, so the watermark lane looks
        // and finds nothing → 3. Without any key nothing can reveal provenance → 5. Not a video → 5.
        let mkv = try TestFixtures.generated("video_only.mkv").path
        #expect(try e.run(["verify", mkv]).status == 3)
        #expect(try e.run(["verify", mkv, "--no-watermark"]).status == 5)
        #expect(try e.run(["verify", try e.dir.write("notes.txt", Array("plain text".utf8)).path]).status == 5)
        // Missing file → 2.
        #expect(try e.run(["verify", e.dir.path("nope.mp4").path]).status == 2)
    }

    @Test(
        "signing refuses a world-readable key and leaves no output",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: ManifestEndToEndTests.binary), "assay binary not built"))
    func insecureKey() throws {
        let e = try Env()
        #expect(try e.run(["keys", "init"]).status == 0)
        let key = e.configDir.appendingPathComponent("signer.key").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let out = e.dir.path("out.mp4")
        let r = try e.run(["sign", try TestFixtures.generated("h264_aac.mp4").path, "-o", out.path])
        #expect(r.status == 2)
        #expect(r.stderrText.contains("chmod 600"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: e.dir.url.path).filter {
            $0.contains("assay-tmp")
        }
        #expect(leftovers.isEmpty)
    }

    static var python: String {
        ProcessInfo.processInfo.environment["ASSAY_PYTHON"]
            ?? TestFixtures.packageRoot.appendingPathComponent(".venv/bin/python").path
    }
    static let pythonAvailable: Bool =
        FileManager.default.isExecutableFile(atPath: python)
        && (try? Subprocess.run(python, ["-c", "import c2pa"]))?.status == 0

    @Test(
        "--cert/--key sign with another identity; c2pa-python reads the CLI output Trusted",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: ManifestEndToEndTests.binary), "assay binary not built"),
        .enabled(if: ManifestEndToEndTests.pythonAvailable, "c2pa-python not installed"))
    func explicitIdentityAndInterop() throws {
        let e = try Env()
        #expect(try e.run(["keys", "init", "--alg", "ed25519"]).status == 0)
        let c = e.configDir
        let other = try TemporaryDirectory()
        let out = e.dir.path("out.mov")
        let r = try e.run(
            [
                "sign", try TestFixtures.generated("h264_aac.mov").path, "-o", out.path,
                "--cert", c.appendingPathComponent("signer.pem").path,
                "--key", c.appendingPathComponent("signer.key").path,
            ],
            env: ["XDG_CONFIG_HOME": other.url.path])
        #expect(r.status == 0, "\(r.stderrText)")
        let tool = TestFixtures.shared.appendingPathComponent("tools/c2pa_interop.py").path
        let check = try Subprocess.run(
            Self.python,
            [
                tool, "check", out.path, "--trust-anchors",
                c.appendingPathComponent("root-ca.pem").path, "--expect", "Trusted",
            ])
        #expect(check.status == 0, "\(check.stdoutText)")
    }
}

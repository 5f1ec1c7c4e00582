import AssayC2PA
import AssayTestSupport
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Runs scripts/tsa-loopback.py (openssl ts on 127.0.0.1) with a TSA certificate from the test PKI.
final class LoopbackTSA: @unchecked Sendable {
    let process = Process()
    let url: String
    let dir: TemporaryDirectory

    static var script: String { TestFixtures.packageRoot.appendingPathComponent("scripts/tsa-loopback.py").path }
    static var available: Bool {
        Subprocess.which("python3") != nil && Subprocess.which("openssl") != nil
            && FileManager.default.fileExists(atPath: script)
    }

    init(pki: TestPKI) throws {
        dir = try TemporaryDirectory(prefix: "assay-tsa")
        let tsa = try CertificateFactory.makeTimeStampingCertificate(
            commonName: "Assay Test TSA",
            organization: "Assay Tests", issuer: pki.root)
        let cert = dir.path("tsa.pem")
        let key = dir.path("tsa.key")
        try Data(try tsa.certificate.pem()).write(to: cert)
        guard FileManager.default.createFile(
            atPath: key.path, contents: Data(try tsa.key.privateKeyPEM()),
            attributes: [.posixPermissions: 0o600])
        else { throw InteropError(message: "cannot write a test key file") }
        process.executableURL = URL(fileURLWithPath: Subprocess.which("python3") ?? "/usr/bin/python3")
        process.arguments = [Self.script, "--cert", cert.path, "--key", key.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = [UInt8]()
        let h = out.fileHandleForReading
        while true {
            let d = h.readData(ofLength: 1)
            if d.isEmpty || d.first == UInt8(ascii: "\n") { break }
            line.append(contentsOf: d)
        }
        url = String(decoding: line, as: UTF8.self)
        guard url.hasPrefix("http://127.0.0.1:") else {
            process.terminate()
            throw InteropError(message: "loopback TSA did not start")
        }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

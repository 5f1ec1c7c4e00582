import AssayTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `assay` binary with a private config/data folder.
final class CLIEnvironment: @unchecked Sendable {
    static var binary: String { TestFixtures.packageRoot.appendingPathComponent(".build/debug/assay").path }
    static var built: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let dir: TemporaryDirectory
    let env: [String: String]

    init(keys: Bool = true) throws {
        dir = try TemporaryDirectory(prefix: "assay-cli")
        env = ["XDG_CONFIG_HOME": dir.path("config").path, "XDG_DATA_HOME": dir.path("data").path]
        if keys {
            let r = try run(["keys", "init", "--organization", "CLI Org"])
            guard r.status == 0 else { throw TestFixtures.FixtureError(message: "keys init failed: \(r.stderrText)") }
        }
    }

    func run(_ args: [String], stdin: Data? = nil) throws -> Subprocess.Result {
        try Subprocess.run(Self.binary, args, stdin: stdin, environment: env)
    }

    func path(_ name: String) -> String { dir.path(name).path }

    /// Starts the binary and kills it with SIGKILL after `delay` seconds (if still running).
    func runKilled(_ args: [String], after delay: Double) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(useconds_t(delay * 1_000_000))
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Starts the binary in the background with extra environment variables; the caller kills or waits.
    func start(_ args: [String], environment extra: [String: String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env.merging(extra, uniquingKeysWith: { $1 }) { e[k] = v }
        p.environment = e
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func ffmpeg(_ args: [String]) throws -> Data {
        let r = try Subprocess.run("/usr/bin/env", ["ffmpeg", "-nostdin", "-v", "error", "-y"] + args)
        guard r.status == 0 else { throw TestFixtures.FixtureError(message: "ffmpeg: \(r.stderrText)") }
        return r.stdout
    }
}

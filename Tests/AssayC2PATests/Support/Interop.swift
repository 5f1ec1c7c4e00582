import AssayTestSupport
import Foundation

/// Drives c2pa-python through ../shared/tools/c2pa_interop.py.
enum Interop {
    /// `$ASSAY_PYTHON` or `<packageRoot>/.venv/bin/python`.
    static let python: String = {
        if let p = ProcessInfo.processInfo.environment["ASSAY_PYTHON"], !p.isEmpty { return p }
        return TestFixtures.packageRoot.appendingPathComponent(".venv/bin/python").path
    }()

    static var tool: String { TestFixtures.shared.appendingPathComponent("tools/c2pa_interop.py").path }

    /// True when c2pa-python imports.
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python),
            FileManager.default.fileExists(atPath: tool)
        else { return false }
        let r = try? Subprocess.run(python, ["-c", "import c2pa, cryptography"])
        return r?.status == 0
    }()

    struct Reading {
        let state: String?
        let failures: [String]
        let success: [String]
        let informational: [String]
        let error: String?
    }

    /// Reads a file with c2pa-python, with `anchors` as trust anchors.
    static func read(_ file: URL, anchors: URL?) throws -> Reading {
        var args = [tool, "read", file.path]
        if let anchors { args += ["--trust-anchors", anchors.path] }
        let r = try Subprocess.run(python, args)
        guard r.status == 0 else {
            return Reading(
                state: nil, failures: [], success: [], informational: [],
                error: "exit \(r.status): \(r.stderrText.suffix(400))")
        }
        var text = r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        if let nl = text.lastIndex(of: "\n") { text = String(text[..<nl]) }
        guard let obj = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return Reading(state: nil, failures: [], success: [], informational: [], error: "unparsable output")
        }
        if let e = obj["error"] as? String {
            return Reading(state: nil, failures: [], success: [], informational: [], error: e)
        }
        let vr = (obj["validation_results"] as? [String: Any])?["activeManifest"] as? [String: Any] ?? [:]
        func codes(_ k: String) -> [String] { (vr[k] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
        return Reading(
            state: obj["validation_state"] as? String, failures: codes("failure"), success: codes("success"),
            informational: codes("informational"), error: nil)
    }

    /// Signs with c2pa-python (claim v2, or a legacy v1 claim with `claimVersion: 1`).
    static func sign(
        _ src: URL, _ dst: URL, cert: URL, key: URL, alg: String, claimVersion: Int = 2, tsa: String? = nil
    ) throws {
        let script = """
            import sys; sys.path.insert(0, sys.argv[1]); import c2pa_interop as ci
            m = ci.default_manifest(); m["claim_version"] = int(sys.argv[7])
            if m["claim_version"] == 1: m["assertions"][0]["label"] = "c2pa.actions"
            ci.c2pa_sign(sys.argv[2], sys.argv[3], open(sys.argv[4], "rb").read(), open(sys.argv[5], "rb").read(),
                         sys.argv[6], tsa_url=(sys.argv[8] or None), manifest=m)
            """
        let dir = URL(fileURLWithPath: tool).deletingLastPathComponent().path
        let r = try Subprocess.run(
            python,
            [
                "-c", script, dir, src.path, dst.path, cert.path, key.path, alg,
                String(claimVersion), tsa ?? "",
            ])
        guard r.status == 0 else {
            throw InteropError(message: "c2pa-python sign failed: \(r.stderrText.suffix(600))")
        }
    }
}

struct InteropError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

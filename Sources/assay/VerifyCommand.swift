import ArgumentParser
import Assay
import AssayC2PA
import AssayCore

/// `assay verify`: the manifest lane (the fused verdict comes later).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a clip's C2PA manifest.",
        discussion: "Exit codes: 0 Trusted, 1 invalid, 2 error, 3 no manifest, 4 valid but untrusted, 5 unsupported format.")

    @Argument(help: "The clip.")
    var file: String

    @Option(help: "Trust anchors (PEM bundle), in addition to $XDG_CONFIG_HOME/assay/trust.pem.")
    var trust: String?

    @Flag(help: "Print the c2pa-style JSON report.")
    var json = false

    func run() throws {
        let outcome: ManifestJob.Outcome
        do {
            outcome = try ManifestJob.verify(path: file, trustPath: trust)
        } catch {
            printError("assay verify: \(error)")
            throw ExitCode(2)
        }
        switch outcome {
        case .validated(let report):
            if json {
                print(report.json())
            } else {
                let e = report.evidence
                print("\(file): \(e.state.rawValue)")
                if let m = e.activeManifest { print("  manifest: \(m) (\(e.manifestCount) in store)") }
                if let s = e.signer {
                    print("  signer:   \(s.commonName ?? "?")\(s.organization.map { " (\($0))" } ?? "") via \(s.algorithm ?? "?"), issuer \(s.issuer ?? "?")")
                }
                if let l = e.label {
                    print("  label:    \(l.generator) for \(l.producer), \(l.digitalSourceType.shortName), content ID \(l.contentID)")
                }
                for s in e.statuses where s.kind == .failure {
                    print("  failure:  \(s.code) \(s.explanation ?? "")")
                }
            }
        case .noManifest:
            print(json ? #"{"validation_state": null, "error": "ManifestNotFound"}"# : "\(file): no C2PA manifest")
        case .unsupportedFormat(let why):
            printError("assay verify: \(why)")
        case .error(let why):
            if json {
                print(#"{"validation_state": "Invalid", "validation_status": [{"code": "manifest.malformed"}]}"#)
            }
            printError("assay verify: \(file): manifest unreadable: \(why)")
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

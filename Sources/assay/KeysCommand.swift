import ArgumentParser
import Assay
import AssayC2PA
import Foundation

/// `assay keys`: manage the development signing identity.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the development signing identity.", subcommands: [Init.self])

    /// `assay keys init`.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create a development root CA, a C2PA signing certificate and a watermark key under $XDG_CONFIG_HOME/assay/."
        )

        @Option(help: "Organisation name in the certificates.")
        var organization = "Assay Development"

        @Option(help: "Signing algorithm: es256, es384, es512, ps256, ps384, ps512, ed25519.")
        var alg = "es256"

        @Flag(help: "Replace an existing identity.")
        var force = false

        func run() throws {
            guard let algorithm = SigningAlgorithm(name: alg) else {
                throw ValidationError("unknown algorithm \(alg)")
            }
            do {
                let store = KeyStore()
                let created = try store.initialize(organization: organization, algorithm: algorithm, force: force)
                print("created a development identity in \(store.directory)")
                print("  signer:  \(created.signerName) (\(created.algorithm.rawValue))")
                for f in created.files { print("  \(f)") }
                let wm = AssayPaths().watermarkKey
                if FileManager.default.fileExists(atPath: wm) && !force {
                    print("  \(wm) (kept: a watermark key already exists)")
                } else {
                    let fingerprint = try WatermarkJob.createKey(path: wm, force: force)
                    print("  \(wm) (watermark key, fingerprint \(fingerprint))")
                }
                print(
                    "the development root was added to \(store.trustPath); other verifiers need root-ca.pem as a trust anchor"
                )
            } catch {
                printError("assay keys init: \(error)")
                throw ExitCode(2)
            }
        }
    }
}

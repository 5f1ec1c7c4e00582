import ArgumentParser
import AssayC2PA

/// The signing options shared by `label` and `sign`.
struct SigningOptions: ParsableArguments {
    @Option(help: "Signing certificate chain (PEM, end-entity first; default: the identity of `assay keys init`).")
    var cert: String?

    @Option(help: "Signing key (PEM; refused if group- or world-readable).")
    var key: String?

    @Option(help: "Signing algorithm: es256, es384, es512, ps256, ps384, ps512, ed25519 (default: from the key).")
    var alg: String?

    @Option(help: "RFC 3161 time-stamp authority URL (the only network access; off by default).")
    var tsa: String?

    func validate() throws {
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
        _ = try algorithm()
    }

    /// The algorithm named by `--alg`, if any.
    func algorithm() throws -> SigningAlgorithm? {
        guard let alg else { return nil }
        guard let a = SigningAlgorithm(name: alg) else { throw ValidationError("unknown algorithm \(alg)") }
        return a
    }
}

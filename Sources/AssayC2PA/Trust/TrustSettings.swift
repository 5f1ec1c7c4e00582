import Foundation

/// What the validator trusts: anchor certificates and allowed EKUs.
public struct TrustSettings: Sendable {
    /// Trust anchors (roots, or any certificate accepted as an anchor).
    public var anchors: [Certificate]
    /// Allowed EKU OIDs for signing certificates.
    public var allowedEKUs: Set<String>
    /// When false, trust is not evaluated (no `signingCredential.trusted/untrusted`).
    public var verifyTrust: Bool
    /// Certificate revocation lists the signing certificate is checked against (offline; a list counts
    /// only when the certificate's issuer signed it).
    public var revocationLists: [RevocationList] = []

    /// Creates settings.
    public init(
        anchors: [Certificate] = [], allowedEKUs: Set<String> = ExtendedKeyUsage.defaultAllowed,
        verifyTrust: Bool = true
    ) {
        self.anchors = anchors
        self.allowedEKUs = allowedEKUs
        self.verifyTrust = verifyTrust
    }

    /// Loads anchors from a PEM bundle file.
    public static func load(pemPath: String) throws -> TrustSettings {
        TrustSettings(anchors: try pemFile(pemPath, Certificate.parsePEMBundle))
    }

    /// Parses the PEM file at `path`; an error names the file (and the offset of a damaged object).
    static func pemFile<T>(_ path: String, _ parse: ([UInt8]) throws -> [T]) throws -> [T] {
        let bytes = try FileIO.readAll(path)
        do { return try parse(bytes) } catch let e as C2PAError { throw e.located(in: path) }
    }

    /// The Assay config folder: `$XDG_CONFIG_HOME/assay`, default `~/.config/assay`.
    public static func configDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/assay" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/assay"
    }

    /// Anchors from `--trust` (if given) plus `<config>/trust.pem` (if present); EKUs from
    /// `<config>/allowed_ekus.txt` (one OID per line) if present; revocation lists from
    /// `revocationListPaths` (`--crl`) plus `<config>/crl.pem` (if present).
    public static func resolve(trustPath: String?, revocationListPaths: [String] = [],
                               environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> TrustSettings
    {
        var s = TrustSettings()
        let dir = configDirectory(environment: environment)
        var crlPaths = revocationListPaths
        if FileManager.default.fileExists(atPath: dir + "/crl.pem") { crlPaths.append(dir + "/crl.pem") }
        for path in crlPaths { s.revocationLists += try pemFile(path, RevocationList.parsePEMBundle) }
        if let trustPath { s.anchors += try pemFile(trustPath, Certificate.parsePEMBundle) }
        let cfg = dir + "/trust.pem"
        if FileManager.default.fileExists(atPath: cfg) {
            s.anchors += try pemFile(cfg, Certificate.parsePEMBundle)
        }
        let ekuPath = dir + "/allowed_ekus.txt"
        if FileManager.default.fileExists(atPath: ekuPath) {
            let text = String(decoding: try FileIO.readAll(ekuPath), as: UTF8.self)
            let oids = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            if !oids.isEmpty { s.allowedEKUs = Set(oids) }
        }
        return s
    }
}

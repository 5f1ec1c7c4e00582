import Foundation

/// Certificate revocation lists made by the openssl CLI (`openssl ca -gencrl`), an implementation
/// independent of Assay's reader.
public enum RevocationListMaker {
    /// Writes a PEM CRL signed by `keyPath`/`certPath` that revokes `serials` (hex, as
    /// `openssl x509 -serial` prints them) at `revoked` (`YYMMDDHHMMSSZ`), in `directory`; returns its path.
    public static func make(serials: [String], revoked: String, keyPath: String, certPath: String,
                            in directory: String) throws -> String
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let index = serials.map { "R\t351231000000Z\t\(revoked)\t\($0)\tunknown\t/CN=x\n" }.joined()
        try Data(index.utf8).write(to: URL(fileURLWithPath: directory + "/index.txt"))
        try Data("01\n".utf8).write(to: URL(fileURLWithPath: directory + "/crlnumber"))
        try Data("""
            [ca]
            default_ca = d
            [d]
            database = \(directory)/index.txt
            crlnumber = \(directory)/crlnumber
            default_md = sha256
            default_crl_days = 30

            """.utf8).write(to: URL(fileURLWithPath: directory + "/ca.cnf"))
        let out = directory + "/crl.pem"
        let r = try Subprocess.run("/usr/bin/env", ["openssl", "ca", "-gencrl", "-config", directory + "/ca.cnf",
                                                    "-keyfile", keyPath, "-cert", certPath, "-out", out])
        guard r.status == 0 else { throw TestFixtures.FixtureError(message: "openssl ca -gencrl: \(r.stderrText)") }
        return out
    }

    /// The serial number of the PEM certificate at `path` in hex, as `openssl x509 -serial` prints it.
    public static func serial(ofCertificateAt path: String) throws -> String {
        let r = try Subprocess.run("/usr/bin/env", ["openssl", "x509", "-in", path, "-noout", "-serial"])
        let s = r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
        guard r.status == 0, !s.isEmpty else { throw TestFixtures.FixtureError(message: "no serial in \(path)") }
        return s
    }
}

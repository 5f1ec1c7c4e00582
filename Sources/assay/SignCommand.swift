import ArgumentParser
import Assay
import AssayC2PA

/// `assay sign`: add a C2PA manifest to an MP4/MOV without re-encoding.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign an MP4/MOV with a C2PA manifest (no re-encode).")

    @Argument(help: "Input MP4/MOV (never modified).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file.")
    var output: String

    @Option(help: "Manifest definition JSON (c2pa Builder format).")
    var manifest: String?

    @OptionGroup(title: "Signing")
    var signing: SigningOptions

    func run() throws {
        do {
            let r = try ManifestJob.sign(
                input: input, output: output, manifestPath: manifest, label: nil,
                certPath: signing.cert, keyPath: signing.key, algorithm: try signing.algorithm(),
                timeStampURL: signing.tsa)
            print(
                "signed \(output): manifest \(r.manifestLabel) (\(r.manifestBoxSize) bytes, \(r.manifestCount) in store)"
            )
        } catch {
            printError("assay sign: \(error)")
            throw ExitCode(2)
        }
    }
}

func printError(_ message: String) {
    var stderr = StandardError()
    print(message, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

#if canImport(Glibc)
    import Glibc
#endif

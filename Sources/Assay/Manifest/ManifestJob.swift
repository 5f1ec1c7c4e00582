public import AssayC2PA
public import AssayCore
import AssayBMFF
import Foundation

/// Job-level glue for the manifest lane: signing a file and verifying one.
public enum ManifestJob {
    /// The outcome of verifying one file's manifest lane.
    public enum Outcome: Sendable {
        /// A manifest was found and validated.
        case validated(ValidationReport)
        /// The file has no C2PA manifest.
        case noManifest
        /// The file is not an ISO BMFF (MP4/MOV) file.
        case unsupportedFormat(String)
        /// The manifest store or container could not be read.
        case error(String)

        /// The lane's evidence (`nil` when there is no manifest or the format is unsupported).
        public var evidence: ManifestEvidence? {
            switch self {
            case .validated(let r): return r.evidence
            case .error(let m):
                return ManifestEvidence(
                    state: .invalid,
                    statuses: [
                        .init(code: StatusCode.manifestMalformed, explanation: m, kind: .failure)
                    ])
            case .noManifest, .unsupportedFormat: return nil
            }
        }

        /// Exit code per DESIGN.md: 0 Trusted, 1 Invalid, 2 error, 3 no provenance, 4 Valid but
        /// untrusted, 5 unsupported format.
        public var exitCode: Int32 {
            switch self {
            case .validated(let r):
                switch r.state {
                case .trusted: return 0
                case .valid: return 4
                case .invalid: return 1
                }
            case .noManifest: return 3
            case .unsupportedFormat: return 5
            case .error: return 1
            }
        }
    }

    /// Verifies the manifest lane of `path` with anchors from `trustPath` plus the config folder.
    /// Throws only for problems with the trust configuration or unreadable files (exit code 2).
    public static func verify(
        path: String, trustPath: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Outcome {
        let trust = try TrustSettings.resolve(trustPath: trustPath, environment: environment)
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch {
            throw C2PAError.ioFailure("cannot open \(path): \(error)", path: path)
        }
        let head = source.size >= 8 ? (try? source.read(at: 4, count: 4)) ?? [] : []
        guard head == Array("ftyp".utf8) else {
            return .unsupportedFormat("\(path) is not an ISO BMFF file (MP4/MOV): it does not start with ftyp")
        }
        do {
            return .validated(try ManifestValidator.validate(source: source, trust: trust))
        } catch let e as C2PAError where e.code == .manifestNotFound {
            return .noManifest
        } catch {
            return .error("\(error)")
        }
    }

    /// Signs `input` into `output` without re-encoding. Identity: `certPath`+`keyPath` if given,
    /// else the key store. Definition: `manifestPath` JSON if given, else `label`.
    @discardableResult
    public static func sign(
        input: String, output: String, manifestPath: String?, label: ContentLabel?,
        certPath: String?, keyPath: String?, algorithm: SigningAlgorithm?,
        timeStampURL: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> ManifestSigner.Result
    {
        let identity: SigningIdentity
        switch (certPath, keyPath) {
        case let (c?, k?): identity = try SigningIdentity.load(certificatePath: c, keyPath: k, algorithm: algorithm)
        case (nil, nil): identity = try KeyStore(environment: environment).signingIdentity(algorithm: algorithm)
        default: throw C2PAError.invalidArgument("--cert and --key go together")
        }
        let title = String(output.split(separator: "/").last ?? "")
        var definition: ManifestDefinition
        if let manifestPath {
            let data = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
            definition = try ManifestDefinition(json: Array(data))
            if definition.title == nil { definition.title = title }
        } else {
            let l =
                label
                ?? ContentLabel(
                    producer: identity.chain[0].subjectOrganization ?? "unknown",
                    generator: .init(name: "assay", version: AssayVersion.string))
            definition = ManifestDefinition(label: l, title: title)
        }
        return try ManifestSigner.sign(
            inputPath: input, outputPath: output, definition: definition, identity: identity,
            timeStampURL: timeStampURL)
    }
}

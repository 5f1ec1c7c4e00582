import AssayBMFF
import AssayC2PA
import AssayCore
import Foundation

/// Managing the manifest repository by hand: list, look up, import manifests from labeled files
/// (for example outputs labeled on another machine, so this machine's `verify` can recover them by
/// watermark), export a store as a `.c2pa` sidecar, remove.
public enum RepositoryJob {
    /// What importing one file did.
    public struct ImportResult: Sendable, Hashable, Codable {
        /// The file.
        public var path: String
        /// The content ID stored, when imported.
        public var contentID: String?
        /// The file's manifest state (`Trusted`, `Valid`, `Invalid`), when it had a manifest.
        public var state: String?
        /// Why the file was not imported.
        public var problem: String?
    }

    /// Imports the embedded manifest of `path`: only a manifest that validates (`Valid` or `Trusted`,
    /// hard binding included) and carries an Assay soft binding (the watermark's content ID) is
    /// stored, so the repository never hands out a manifest that did not match its own file.
    public static func importFile(_ path: String, into repository: ManifestRepository, trust: TrustSettings)
        -> ImportResult
    {
        var result = ImportResult(path: path)
        do {
            let source = try FileByteSource(path: path)
            let tree = try BoxTree.parse(source, maxDepth: ManifestValidator.maxBoxDepth)
            guard let box = try C2PAManifestBox.find(in: tree, source: source) else {
                result.problem = "no C2PA manifest"
                return result
            }
            let report = try ManifestValidator.validate(source: source, tree: tree, trust: trust)
            result.state = report.state.rawValue
            guard report.state != .invalid else {
                result.problem = "manifest is Invalid: " + report.codes(.failure).joined(separator: ", ")
                return result
            }
            let evidence = report.evidence
            guard let id = evidence.softBinding ?? evidence.label?.contentID else {
                result.problem = "manifest has no Assay soft binding (no content ID to find it by)"
                return result
            }
            let store = try source.read(at: box.dataRange.lowerBound, count: Int(box.dataRange.count))
            try repository.insert(StoredManifest(
                contentID: id, manifestLabel: evidence.activeManifest ?? "", manifestStore: store,
                signer: evidence.signer?.commonName, generator: evidence.label?.generator.description,
                created: evidence.label?.created ?? Date(), outputSHA256: nil))
            result.contentID = id.hex
        } catch {
            result.problem = "\(error)"
        }
        return result
    }

    /// The records whose content ID is `key` (32 hex digits) or whose watermark payload is `key`
    /// (16 hex digits, as `assay watermark detect` prints it).
    public static func find(_ key: String, in repository: ManifestRepository) throws -> [StoredManifest] {
        let k = key.lowercased()
        if k.count == 16, let payload = UInt64(k, radix: 16) {
            return try repository.manifests(watermarkPayload: payload)
        }
        guard let id = try? ContentID(hex: k) else {
            throw AssayError(.invalidArgument, "\(key) is neither a content ID (32 hex digits) nor a payload (16 hex digits)")
        }
        return try repository.manifest(contentID: id).map { [$0] } ?? []
    }

    /// Writes a record's manifest store as a `.c2pa` sidecar (the JUMBF bytes c2pa tools read with
    /// the `application/c2pa` format), atomically.
    public static func export(_ record: StoredManifest, to path: String) throws {
        let out = try AtomicFileWriter(destinationPath: path)
        try out.write(record.manifestStore)
        try out.commit()
    }
}

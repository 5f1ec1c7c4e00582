import AssayBMFF
import AssayC2PA
import AssayCore
import AssayMedia
import AssayWatermark
import Foundation

/// Labels generated video: decode → watermark → encode (x264) → GB 45438 `AIGC` metadata → C2PA
/// manifest → atomic write → manifest stored in the repository.
///
/// The input is never modified, and there is one complete output file or none: intermediate files
/// live beside the output under hidden temp names and are removed on success and on failure.
public struct Labeler: Sendable {
    /// The options.
    public let options: LabelOptions
    let identity: SigningIdentity
    let watermarkKey: WatermarkKey
    let repository: ManifestRepository?

    /// Loads the signing identity, the watermark key and the repository, and checks the profile.
    /// - Throws: ``AssayError`` with ``AssayError/Code/keys`` (missing or unsafe keys) or
    ///   ``AssayError/Code/invalidArgument`` (profile fields missing).
    public init(options: LabelOptions) throws {
        self.options = options
        let paths = AssayPaths(environment: options.environment)
        do {
            switch (options.certificatePath, options.keyPath) {
            case let (c?, k?): identity = try SigningIdentity.load(certificatePath: c, keyPath: k, algorithm: options.algorithm)
            case (nil, nil): identity = try paths.keyStore.signingIdentity(algorithm: options.algorithm)
            default: throw AssayError(.invalidArgument, "--cert and --key go together")
            }
        } catch let e as AssayError {
            throw e
        } catch {
            throw AssayError(.keys, "cannot load the signing identity: \(error)")
        }
        let keyPath = options.watermarkKeyPath ?? paths.watermarkKey
        do {
            watermarkKey = try WatermarkKey.load(path: keyPath)
        } catch {
            throw AssayError(.keys, "cannot load the watermark key: \(error) (run `assay keys init` or pass --watermark-key)")
        }
        repository = options.storeInRepository ? try ManifestRepository(path: options.repositoryPath ?? paths.repository) : nil
        let problems = options.profile.problems(with: makeLabel(parent: nil))
        guard problems.isEmpty else {
            throw AssayError(.invalidArgument, "profile \(options.profile.rawValue): " + problems.joined(separator: "; "))
        }
    }

    /// The producer to use when none is given: the signing certificate's organisation.
    public static func defaultProducer(options: LabelOptions) throws -> String {
        let paths = AssayPaths(environment: options.environment)
        let chain: [Certificate]
        if let c = options.certificatePath {
            guard let pem = FileManager.default.contents(atPath: c) else {
                throw AssayError(.keys, "cannot read the certificate \(c)")
            }
            chain = try Certificate.parsePEMBundle([UInt8](pem))
        } else {
            chain = (try? paths.keyStore.signingIdentity())?.chain ?? []
        }
        return chain.first?.subjectOrganization ?? ""
    }

    func makeLabel(parent: ContentLabel.ParentReference?) -> ContentLabel {
        ContentLabel(producer: options.producer, generator: options.generator, promptDigest: options.promptDigest,
                     parent: parent)
    }

    /// Labels the video at `input` into `output`.
    @discardableResult
    public func label(input: String, output: String) throws -> LabelResult {
        guard FileManager.default.isReadableFile(atPath: input) else {
            throw AssayError(.io, "cannot read \(input)", location: InputLocation(path: input))
        }
        let prior = PriorProvenance(path: input)
        let label = makeLabel(parent: prior.parent)
        let temp = TempFiles(beside: output)
        defer { temp.removeAll() }
        var embedder = try WatermarkEmbedder(key: watermarkKey, contentID: label.contentID,
                                             strength: options.watermarkStrength,
                                             ssimLossBudget: options.watermarkSSIMLossBudget)
        let caption = options.profile.burnsCaption ? try CaptionBurner() : nil
        var transcode = Transcoder.Options()
        transcode.writer.crf = options.crf
        transcode.writer.preset = options.preset
        transcode.writer.threads = options.encoderThreads
        transcode.writer.container = .mp4
        let encoded = temp.make("encode.mp4")
        // Frames too small for a watermark that can be read back are labeled without it (and the result says so);
        // small frames that carry it are read back from the encode (``WatermarkReadBack``).
        var watermarkProblem: String?
        var readsBack = false
        var quality = WatermarkQualitySampler()
        let summary = try Transcoder.transcode(input: input, output: encoded, options: transcode) { frame in
            try caption?.burn(into: &frame)
            let (w, h) = (frame.luma.width, frame.luma.height)
            if let reason = WatermarkEmbedder.unreadableReason(width: w, height: h) {
                watermarkProblem = watermarkProblem ?? "watermark not embedded: \(reason)"
            } else {
                try quality.embed(&frame, with: &embedder)
                readsBack = readsBack || WatermarkReadBack.applies(width: w, height: h)
            }
        }
        if watermarkProblem == nil, readsBack {
            watermarkProblem = WatermarkReadBack.failure(path: encoded, key: watermarkKey, payload: embedder.payload,
                                                         threads: 2)
        }
        var result = try LabelFinisher(labeler: self).finish(encoded: encoded, output: output, label: label,
                                                             prior: prior, temp: temp,
                                                             watermarkProblem: watermarkProblem)
        result.frames = summary.framesProcessed
        result.record(quality.report, capped: options.watermarkSSIMLossBudget != nil)
        return result
    }
}

/// Hidden temp files beside an output, removed together.
final class TempFiles: @unchecked Sendable {
    let directory: String
    let base: String
    private var paths: [String] = []
    private let lock = NSLock()

    init(beside output: String) {
        let slash = output.lastIndex(of: "/")
        directory = slash.map { String(output[..<$0]) } ?? "."
        base = slash.map { String(output[output.index(after: $0)...]) } ?? output
    }

    func make(_ suffix: String) -> String {
        let p = (directory.isEmpty ? "" : directory + "/") + ".\(base).assay-\(UUID().uuidString.prefix(8))-\(suffix)"
        lock.withLock { paths.append(p) }
        return p
    }

    func removeAll() {
        for p in lock.withLock({ paths }) { try? FileManager.default.removeItem(atPath: p) }
    }
}

/// Provenance already present in a labeling input: a C2PA manifest store (kept as the parent
/// ingredient) and a GB 45438 label (replaced).
struct PriorProvenance: Sendable {
    var store: ManifestStore?
    var storeTitle: String
    var aigc: String?

    /// No prior provenance (frames from a generator).
    init() { storeTitle = "" }

    init(path: String) {
        storeTitle = (path as NSString).lastPathComponent
        guard let source = try? FileByteSource(path: path), let tree = try? BoxTree.parse(source),
              let scan = try? ProvenanceScan.scan(source, tree: tree)
        else { return }
        aigc = scan.aigcMetadata
        if let box = scan.manifestBox, box.dataRange.count <= 64 << 20,
           let bytes = try? source.read(at: box.dataRange.lowerBound, count: Int(box.dataRange.count))
        {
            store = try? ManifestStore(jumbf: bytes)
        }
    }

    var parent: ContentLabel.ParentReference? {
        guard let active = store?.activeManifest else { return nil }
        return ContentLabel.ParentReference(manifestLabel: active.label, title: storeTitle)
    }
}

/// The steps after encoding, shared by ``Labeler`` and ``LabeledVideoWriter``: `AIGC` metadata,
/// C2PA signing, repository.
struct LabelFinisher {
    let labeler: Labeler

    /// - Parameter watermarkProblem: a note on why the output does not carry a readable watermark (frames left
    ///   unmarked, or a mark that did not survive the encode), nil when it does. The manifest then has no
    ///   `c2pa.soft-binding` assertion (it would claim a mark that cannot be found), and the note is kept.
    func finish(encoded: String, output: String, label: ContentLabel, prior: PriorProvenance, temp: TempFiles,
                watermarkProblem: String?) throws -> LabelResult
    {
        var notes: [String] = []
        if prior.aigc != nil { notes.append("the input's GB 45438 AIGC label was replaced by a new one") }
        if let problem = watermarkProblem { notes.append(problem) }
        if let p = prior.parent?.manifestLabel {
            notes.append("the input's C2PA manifest \(p) is kept as the parent ingredient (history preserved)")
        }
        // 1. GB 45438 metadata. ReservedCode1 carries a digest of the producer fields; the entry is
        //    written in the same copy as the manifest and the C2PA hard binding covers `moov`, so the
        //    whole entry is also signed.
        let digest = SHA256Hasher.digest(AIGCLabel(label).producerFieldsForIntegrity)
        let aigc = AIGCLabel(label, reservedCode1: "sha256:" + digest.map { String(format: "%02x", $0) }.joined())
        // 2. C2PA manifest (the input's store, if any, becomes the parent ingredient), one copy.
        var definition = ManifestDefinition(label: label, title: (output as NSString).lastPathComponent,
                                            watermarked: watermarkProblem == nil)
        definition.parentStore = prior.store
        definition.parentTitle = prior.storeTitle
        let json = aigc.jsonString()
        let signed = try ManifestSigner.sign(inputPath: encoded, outputPath: output, definition: definition,
                                             identity: labeler.identity,
                                             timeStampURL: labeler.options.timeStampURL) { source, tree in
            [try MP4Metadata.settingEntry("AIGC", to: json, source: source, tree: tree)]
        }

        // 3. Durable credentials: the store as embedded, by content ID.
        var repoPath: String?
        if let repo = labeler.repository {
            let out = try FileByteSource(path: output)
            let outTree = try BoxTree.parse(out)
            if let box = try C2PAManifestBox.find(in: outTree, source: out) {
                let store = try out.read(at: box.dataRange.lowerBound, count: Int(box.dataRange.count))
                try repo.insert(StoredManifest(contentID: label.contentID, manifestLabel: signed.manifestLabel,
                                               manifestStore: store, signer: labeler.identity.chain.first?.subjectCommonName,
                                               generator: label.generator.description, created: label.created))
                repoPath = repo.path
            }
        }
        return LabelResult(output: output, label: label, manifestLabel: signed.manifestLabel,
                           manifestCount: signed.manifestCount, aigc: aigc, frames: 0, profile: labeler.options.profile,
                           repositoryPath: repoPath, notes: notes)
    }
}

import AssayBMFF
import AssayC2PA
import AssayClassifier
import AssayCore
import AssayMedia
import AssayWatermark
import Foundation

/// Verifies one clip with every lane and fuses the evidence into one ``Verdict``.
///
/// One pass: the manifest lane (streamed hash over the file), then one decode of the first
/// ``VerifyOptions/decodeSeconds`` seconds whose frames are shared by the watermark detector and the
/// classifier. A clip whose manifest was stripped but whose watermark is found gets its manifest back
/// from the repository, validated detached from the (re-encoded) bytes.
///
/// Trust anchors, the watermark key, the repository and the classifier model are loaded once, so
/// one verifier can check many files, from several threads at once (`assay scan`).
public final class Verifier: ClipVerifying, @unchecked Sendable {
    /// The options.
    public let options: VerifyOptions
    /// Why a lane is off (no key, no model, …), for reports and `--verbose`.
    public let laneNotes: [String]
    let trust: TrustSettings
    let watermarkKey: WatermarkKey?
    let repository: ManifestRepository?
    let classifier: ArtifactClassifier?

    /// Loads trust anchors, key, repository and model.
    /// - Throws: ``AssayError`` for a broken configuration the user asked for explicitly (a trust file,
    ///   key or model that cannot be read); lanes whose defaults are simply absent are turned off.
    public init(options: VerifyOptions = VerifyOptions()) throws {
        self.options = options
        let paths = AssayPaths(environment: options.environment)
        var notes: [String] = []
        do {
            trust = try TrustSettings.resolve(trustPath: options.trustPath, revocationListPaths: options.revocationListPaths,
                                              environment: options.environment)
        } catch {
            throw AssayError(.keys, "cannot load trust anchors: \(error)")
        }
        var key: WatermarkKey?
        if options.watermark {
            let path = options.watermarkKeyPath ?? paths.watermarkKey
            if options.watermarkKeyPath != nil || FileManager.default.fileExists(atPath: path) {
                do { key = try WatermarkKey.load(path: path) } catch {
                    throw AssayError(.keys, "cannot load the watermark key: \(error)")
                }
            } else {
                notes.append("watermark lane off: no key at \(path) (run `assay keys init` or pass --watermark-key)")
            }
        }
        watermarkKey = key
        let repoPath = options.repositoryPath ?? paths.repository
        if options.repositoryPath != nil || FileManager.default.fileExists(atPath: repoPath) {
            repository = try ManifestRepository(path: repoPath)
        } else {
            repository = nil
        }
        var model: ArtifactClassifier?
        if options.classifier {
            if let dir = options.classifierModel {
                do { model = try ArtifactClassifier(modelDirectory: dir) } catch {
                    throw AssayError(.invalidArgument, "cannot load the classifier model \(dir): \(error)")
                }
            } else {
                for base in paths.classifierSearchPath() {
                    let dir = base + "/" + ArtifactClassifier.defaultModelID
                    if FileManager.default.fileExists(atPath: dir + "/model.json") {
                        model = try? ArtifactClassifier(modelDirectory: dir)
                        if model != nil { break }
                    }
                }
                if model == nil { notes.append("classifier lane off: model \(ArtifactClassifier.defaultModelID) not found") }
            }
        }
        classifier = model
        laneNotes = notes
    }

    /// Verifies the file at `path`; never throws (failures become `error`/`unsupported` reports).
    public func verify(path: String, displayPath: String) -> VerifyReport {
        let start = Date()
        var file = VerifyReport.FileSummary(path: displayPath)
        var attributes = stat()
        guard stat(path, &attributes) == 0, (attributes.st_mode & S_IFMT) == S_IFREG,
              FileManager.default.isReadableFile(atPath: path)
        else {
            let v = Verdict(outcome: .error, reasons: ["cannot read \(displayPath): \(String(cString: strerror(errno)))"])
            return VerifyReport(file: file, verdict: v, elapsedSeconds: Date().timeIntervalSince(start))
        }
        file.size = Int64(attributes.st_size)

        // 1. Container and manifest lane.
        var manifest: ManifestEvidence?
        var c2pa: JSONValue?
        var aigc: [VerifyReport.AIGCFinding] = []
        var reasons: [String] = []
        var isBMFF = false
        if let source = try? FileByteSource(path: path), source.size >= 8, (try? source.read(at: 4, count: 4)) == Array("ftyp".utf8) {
            isBMFF = true
            // One walk of the box tree serves the manifest lane and the AIGC metadata scan.
            let tree = Result { try BoxTree.parse(source, maxDepth: ManifestValidator.maxBoxDepth) }
            do {
                let report = try ManifestValidator.validate(source: source, tree: tree.get(), trust: trust)
                manifest = report.evidence
                c2pa = Self.json(report.jsonObject())
            } catch let e as C2PAError where e.code == .manifestNotFound {
                // No manifest: other lanes decide.
            } catch {
                manifest = ManifestEvidence(state: .invalid, statuses: [
                    .init(code: StatusCode.manifestMalformed, explanation: "\(error)", kind: .failure),
                ])
            }
            if let tree = try? tree.get(), let scan = try? ProvenanceScan.scan(source, tree: tree) {
                aigc = AIGCReader.findings(scan: scan, manifestContentID: manifest?.label?.contentID ?? manifest?.softBinding)
            }
        }

        // 2. Media: probe, then one decode shared by the watermark and classifier lanes.
        var frames = FrameLanes(verifier: self, thumbnails: options.thumbnails, decodeSeconds: options.decodeSeconds)
        do {
            let info = try MediaInfo.probe(path)
            file.format = info.formatName
            file.duration = info.duration?.seconds
            file.width = info.bestVideoStream?.width
            file.height = info.bestVideoStream?.height
            if watermarkKey != nil || classifier != nil || options.thumbnails > 0 {
                try frames.decode(path: path, threads: options.decoderThreads, duration: info.duration?.seconds)
            }
        } catch let e as MediaError {
            if manifest == nil, !isBMFF || e.code == .noVideoStream {
                let outcome: Verdict.Outcome = e.code == .ioFailure || e.code == .timedOut ? .error : .unsupported
                let v = Verdict(outcome: outcome, reasons: ["\(displayPath) is not a video Assay can read: \(e.reason)"])
                return VerifyReport(file: file, verdict: v, aigc: aigc, elapsedSeconds: Date().timeIntervalSince(start))
            }
            reasons.append("frames could not be decoded: \(e.reason)")
        } catch {
            reasons.append("frame lanes failed: \(error)")
        }
        var watermark = frames.watermarkEvidence()
        if let note = frames.watermarkNote { reasons.append(note) }

        // 3. Durable credentials: a stripped manifest comes back through the watermark's content ID.
        if manifest == nil, let repo = repository,
           let report = Self.recoverManifest(watermark: &watermark, from: repo, trust: trust,
                                             matching: options.watermarkRepositoryMatch)
        {
            var evidence = report.evidence
            evidence.source = .recoveredByWatermark
            manifest = evidence
            c2pa = Self.json(report.jsonObject())
            if let w = watermark, w.payloadConfirmation == .manifestRepository, let p = w.payload {
                reasons.append("watermark payload \(String(format: "%016llx", p)) found by list decoding and confirmed by the "
                    + "manifest repository (a wrong list path would match one of its IDs with probability about 5e-20 per "
                    + "stored manifest)")
            }
            if let w = watermark, w.payloadConfirmation == .repositoryMatch, let p = w.payload, let m = w.payloadMatch {
                reasons.append("watermark payload \(String(format: "%016llx", p)) matched against the \(m.comparedPayloads) "
                    + "payload(s) in the manifest repository: its codeword alone correlates with the clip's soft bits at "
                    + String(format: "%.3f (threshold %.3f; a wrong match below 1e-6 per clip)", m.correlation, m.threshold))
            }
        }
        let classified = frames.classifierEvidence()
        if !isBMFF, manifest == nil, watermark == nil {
            // Nothing here can carry or reveal provenance: C2PA is read from ISO BMFF only, and the
            // watermark lane did not run. The classifier's finding is still reported.
            var why = ["C2PA manifests are read from MP4/MOV (ISO BMFF) files only; this file is \(file.format ?? "not one")"]
            if watermarkKey == nil { why.append("the watermark lane is off (no key), so nothing could reveal provenance") }
            let v = Verdict(outcome: .unsupported, reasons: why + reasons, classifier: classified)
            return VerifyReport(file: file, verdict: v, aigc: aigc, elapsedSeconds: Date().timeIntervalSince(start),
                                thumbnails: frames.thumbnails)
        }

        var verdict = Verdict.fuse(manifest: manifest, watermark: watermark, classifier: classified)
        verdict.reasons += reasons
        return VerifyReport(file: file, verdict: verdict, aigc: aigc, c2pa: c2pa,
                            elapsedSeconds: Date().timeIntervalSince(start), thumbnails: frames.thumbnails)
    }

    /// The manifest the repository holds for a present watermark's payload, validated detached from the
    /// (re-encoded) bytes; `nil` when there is none or it does not validate.
    ///
    /// A present watermark without a payload may carry list-decoded ``WatermarkEvidence/candidatePayloads``,
    /// which the detector does not report alone (each may be wrong with probability about 8 × 2⁻¹⁶). A candidate
    /// that is the content ID of a stored manifest whose `c2pa.soft-binding` declares exactly that payload is
    /// taken as the payload (``WatermarkEvidence/PayloadConfirmation/manifestRepository``): a wrong path equals
    /// one of N stored 64-bit IDs with probability N × 2⁻⁶⁴.
    ///
    /// With `matching`, a clip that still has no payload has its soft bits matched against every payload the
    /// repository holds (``PayloadMatcher``); the one match above the threshold is taken under the same
    /// soft-binding condition (``WatermarkEvidence/PayloadConfirmation/repositoryMatch``).
    static func recoverManifest(watermark: inout WatermarkEvidence?, from repository: ManifestRepository,
                                trust: TrustSettings, matching: Bool = true) -> ValidationReport?
    {
        defer { watermark?.payloadSoftBits = nil }
        guard let w = watermark, w.present else { return nil }
        func validated(_ payload: UInt64, requireSoftBinding: Bool) -> ValidationReport? {
            guard let hits = try? repository.manifests(watermarkPayload: payload) else { return nil }
            for hit in hits {
                guard let store = try? ManifestStore(jumbf: hit.manifestStore),
                      let report = try? ManifestValidator.validateDetached(store: store, trust: trust)
                else { continue }
                if requireSoftBinding && report.evidence.softBinding?.watermarkPayload != payload { continue }
                return report
            }
            return nil
        }
        if let payload = w.payload { return validated(payload, requireSoftBinding: false) }
        for candidate in w.candidatePayloads ?? [] {
            if let report = validated(candidate, requireSoftBinding: true) {
                watermark?.confirm(candidate: candidate, by: .manifestRepository)
                return report
            }
        }
        if matching, let soft = w.payloadSoftBits, let stored = try? repository.watermarkPayloads(),
           let match = PayloadMatcher.bestMatch(soft: soft, payloads: stored),
           let report = validated(match.payload, requireSoftBinding: true)
        {
            watermark?.confirm(matched: match.payload,
                               match: .init(correlation: match.correlation, threshold: match.threshold,
                                            comparedPayloads: match.payloads))
            return report
        }
        return nil
    }

    /// The classifier lane alone (`assay classify`).
    /// - Throws: ``AssayError/Code/invalidArgument`` when no model is loaded; ``MediaError`` when the
    ///   file cannot be decoded.
    public func classify(path: String) throws -> ClassifierEvidence {
        guard classifier != nil else {
            throw AssayError(.invalidArgument, laneNotes.first { $0.hasPrefix("classifier") } ?? "no classifier model")
        }
        var lanes = FrameLanes(verifier: self, thumbnails: 0, decodeSeconds: options.decodeSeconds, watermark: false)
        let info = try MediaInfo.probe(path)
        try lanes.decode(path: path, threads: options.decoderThreads, duration: info.duration?.seconds)
        return lanes.classifierEvidence()!
    }

    /// The watermark lane alone (`assay watermark detect`).
    public func detectWatermark(path: String) throws -> WatermarkEvidence {
        guard watermarkKey != nil else {
            throw AssayError(.keys, laneNotes.first { $0.hasPrefix("watermark") } ?? "no watermark key")
        }
        var lanes = FrameLanes(verifier: self, thumbnails: 0, decodeSeconds: options.decodeSeconds, classifier: false)
        let info = try MediaInfo.probe(path)
        try lanes.decode(path: path, threads: options.decoderThreads, duration: info.duration?.seconds)
        if let note = lanes.watermarkNote { throw AssayError(.unsupportedInput, note) }
        return lanes.watermarkEvidence()!
    }

    static func json(_ object: [String: Any]) -> JSONValue? {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object)
        else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }
}

/// The frame-based lanes of one verification: decodes once and feeds the watermark detector, the
/// classifier's segments and the thumbnails.
struct FrameLanes {
    let verifier: Verifier
    let thumbnailCount: Int
    let decodeSeconds: Double
    var detector: WatermarkDetector?
    var watermarkNote: String?
    /// The watermark's evidence when it settled before the end of the span (see
    /// ``VerifyOptions/watermarkStopsWhenSettled``).
    var settledWatermark: WatermarkEvidence?
    var classifierFrames: [Frame] = []
    var classifierNote: String?
    var thumbnails: [VerifyReport.Thumbnail] = []
    /// Frames the decoder returned (unreferenced frames between classifier runs are skipped).
    var decodedFrames = 0
    let useClassifier: Bool

    init(verifier: Verifier, thumbnails: Int, decodeSeconds: Double, watermark: Bool = true, classifier: Bool = true) {
        self.verifier = verifier
        self.thumbnailCount = thumbnails
        self.decodeSeconds = decodeSeconds
        useClassifier = classifier && verifier.classifier != nil
        if watermark, let key = verifier.watermarkKey {
            var configuration = WatermarkAnalyzer.Configuration()
            configuration.extendedGeometrySearch = verifier.options.watermarkExtendedGeometrySearch
            configuration.largeCropSearch = verifier.options.watermarkLargeCropSearch
            configuration.intraFrameTest = verifier.options.watermarkIntraFrameTest
            configuration.residualNormalization = verifier.options.watermarkResidualNormalization
            detector = try? WatermarkDetector(key: key, configuration: configuration)
        }
    }

    mutating func decode(path: String, threads: Int, duration: Double?) throws {
        let span = max(0.1, min(decodeSeconds, duration ?? decodeSeconds))
        let reader = try VideoReader(path: path, options: .init(
            mode: .timeRange(start: .zero, end: MediaTime(seconds: span)), threads: threads))
        // Classifier: runs of consecutive frames spread over the span.
        let segLen = ArtifactClassifier.segmentLength
        let segments = ArtifactClassifier.maximumSegments
        var segmentStarts = (0..<segments).map { Double($0) * span / Double(segments) }
        var run: [Frame] = []
        var nextThumb = 0
        // Frames outside the classifier's runs are only sampled by time (the watermark wants 15 per
        // second), so the decoder skips unreferenced frames there, and decodes every frame from `lead`
        // seconds before a run to its end. Threads and B-frame reordering delay the switch by an amount
        // that depends on the stream, so a run only grows with frames that follow their predecessor by
        // one frame interval (the smallest interval seen) and starts over after a gap. (The classifier
        // tells runs apart by frame index, which counts returned frames, so the runs must be clean here.)
        let lead = 0.3
        var previous: Double?
        var interval = Double.infinity
        let stopsWhenSettled = verifier.options.watermarkStopsWhenSettled
        let plannedWindows = detector.map { Int((span / $0.configuration.windowDuration).rounded(.up)) } ?? 1
        reader.skipsNonReferenceFrames = !useClassifier
        while let frame = try reader.nextFrame() {
            let t = frame.time.seconds
            let gap = previous.map { t - $0 } ?? .infinity
            if gap > 0 { interval = min(interval, gap) }
            previous = t
            if detector != nil, settledWatermark == nil, detector!.wants(frame) {
                do { try detector!.add(frame) } catch {
                    watermarkNote = "watermark not checked: \(error)"
                    detector = nil
                }
                if stopsWhenSettled, detector != nil {
                    settledWatermark = detector!.settledEvidence(plannedWindows: plannedWindows)
                }
            }
            if useClassifier, let s = segmentStarts.first, t >= s {
                // The run's frames must be consecutive in the stream: a frame after a gap starts it afresh.
                if gap <= interval * 1.5 { run.append(frame) } else { run = [frame] }
                if run.count == segLen {
                    classifierFrames += run
                    run.removeAll()
                    segmentStarts.removeFirst()
                }
            }
            if nextThumb < thumbnailCount, t >= Double(nextThumb) * span / Double(thumbnailCount) {
                thumbnails.append(.init(time: frame.time, png: PNGEncoder.thumbnail(frame)))
                nextThumb += 1
            }
            let runAhead = !run.isEmpty || segmentStarts.first.map { t >= $0 - lead } == true
            reader.skipsNonReferenceFrames = !(useClassifier && runAhead)
            // The watermark settled and no other lane wants frames: stop decoding.
            if settledWatermark != nil, !useClassifier, nextThumb >= thumbnailCount { break }
        }
        decodedFrames = reader.decodedFrameCount
    }

    mutating func watermarkEvidence() -> WatermarkEvidence? {
        guard detector != nil else { return nil }
        return settledWatermark ?? detector!.finish()
    }

    func classifierEvidence() -> ClassifierEvidence? {
        guard useClassifier, let c = verifier.classifier else { return nil }
        do {
            return try c.classify(frames: classifierFrames)
        } catch {
            return ClassifierEvidence(modelID: c.modelID, score: nil, decision: .inconclusive, reasons: ["\(error)"])
        }
    }
}

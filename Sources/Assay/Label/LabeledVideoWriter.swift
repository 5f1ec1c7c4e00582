import AssayCore
import AssayMedia
import AssayWatermark
import Foundation

/// Labels video frame by frame inside a generator: each frame is watermarked and encoded as it
/// arrives; ``finish()`` adds the GB 45438 metadata and the signed C2PA manifest and moves the
/// complete file into place. No intermediate file of the caller's is needed.
///
/// ```swift
/// let writer = try LabeledVideoWriter(output: "out.mp4", width: 1280, height: 720,
///                                     frameRate: 30, labeler: Labeler(options: options))
/// for frame in generator { try writer.append(frame) }
/// let result = try writer.finish()
/// ```
/// Not thread-safe: use one writer from one task. Dropping an unfinished writer leaves no output.
public final class LabeledVideoWriter {
    /// The label being written (content ID fixed at creation).
    public let label: ContentLabel
    /// Where the result goes.
    public let output: String
    private let labeler: Labeler
    private let temp: TempFiles
    private let encoded: String
    private var writer: VideoWriter?
    private var embedder: WatermarkEmbedder
    private var quality = WatermarkQualitySampler()
    /// Why frames of this size are not watermarked (too small for a mark that can be read back), if so.
    private let watermarkSkipped: String?
    /// Whether the encode is read back for the mark (small frames, ``WatermarkReadBack``).
    private let readsBack: Bool
    private let caption: CaptionBurner?
    private let frameDuration: MediaTime
    private var count = 0
    private var finished = false

    /// Starts an output of `width`×`height` at `frameRate` frames per second.
    public init(output: String, width: Int, height: Int, frameRate: Int, labeler: Labeler) throws {
        guard frameRate >= 1, frameRate <= 1000 else { throw AssayError(.invalidArgument, "frame rate must be 1...1000") }
        self.labeler = labeler
        self.output = output
        label = labeler.makeLabel(parent: nil)
        temp = TempFiles(beside: output)
        encoded = temp.make("encode.mp4")
        embedder = try WatermarkEmbedder(key: labeler.watermarkKey, contentID: label.contentID,
                                         strength: labeler.options.watermarkStrength,
                                         ssimLossBudget: labeler.options.watermarkSSIMLossBudget)
        watermarkSkipped = WatermarkEmbedder.unreadableReason(width: width, height: height)
        readsBack = WatermarkReadBack.applies(width: width, height: height)
        caption = labeler.options.profile.burnsCaption ? try CaptionBurner() : nil
        var o = VideoWriter.Options()
        o.crf = labeler.options.crf
        o.preset = labeler.options.preset
        o.threads = labeler.options.encoderThreads
        o.frameRate = Rational(Int32(frameRate), 1)
        o.container = .mp4
        frameDuration = MediaTime(value: 1, timescale: Int32(frameRate))
        do {
            writer = try VideoWriter(path: encoded, width: width, height: height, options: o)
        } catch {
            temp.removeAll()
            throw error
        }
    }

    /// Frames appended so far.
    public var frameCount: Int { count }

    /// Watermarks and encodes one frame. Its time is set from the frame count and rate.
    public func append(_ frame: Frame) throws {
        guard let writer, !finished else { throw AssayError(.invalidArgument, "the writer is finished") }
        var f = frame
        f.time = MediaTime(value: Int64(count) * frameDuration.value, timescale: frameDuration.timescale)
        f.index = count
        do {
            try caption?.burn(into: &f)
            if watermarkSkipped == nil { try quality.embed(&f, with: &embedder) }
            try writer.write(f)
        } catch {
            cancel()
            throw error
        }
        count += 1
    }

    /// Finishes the encode, writes metadata and manifest, and commits the output.
    public func finish() throws -> LabelResult {
        guard let writer, !finished else { throw AssayError(.invalidArgument, "the writer is finished") }
        finished = true
        defer { temp.removeAll() }
        guard count > 0 else {
            writer.cancel()
            throw AssayError(.invalidArgument, "no frames were written")
        }
        try writer.finish()
        self.writer = nil
        var watermarkProblem = watermarkSkipped.map { "watermark not embedded: \($0)" }
        if watermarkProblem == nil, readsBack {
            watermarkProblem = WatermarkReadBack.failure(path: encoded, key: labeler.watermarkKey,
                                                         payload: embedder.payload, threads: 2)
        }
        var result = try LabelFinisher(labeler: labeler).finish(
            encoded: encoded, output: output, label: label, prior: PriorProvenance(), temp: temp,
            watermarkProblem: watermarkProblem)
        result.frames = count
        result.record(quality.report, capped: labeler.options.watermarkSSIMLossBudget != nil)
        return result
    }

    /// Abandons the output; nothing is written.
    public func cancel() {
        finished = true
        writer?.cancel()
        writer = nil
        temp.removeAll()
    }

    deinit {
        if !finished { cancel() }
    }
}

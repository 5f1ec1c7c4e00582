// assay-features: reads raw planar YUV 4:2:0 (8-bit) frames and prints, per segment, either the
// feature vector (`features`, for training) or runs the classifier (`classify`, for evaluation).
//
//   ffmpeg -i clip.mp4 -f rawvideo -pix_fmt yuv420p - | assay-features features --width W --height H -
//   ffmpeg ... | assay-features classify --model Classifiers/assay-npr-lr-2 --width W --height H -
//   assay-features bench --model DIR --width W --height H [--repeat N] frames.yuv
//     (reads every frame into memory first, then times `analyse` alone: CPU seconds of this process)
import AssayClassifier
import AssayCore
import Foundation

@main
struct AssayFeatures {
    static func main() {
        do {
            try run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("assay-features: \(error)\n".utf8))
            exit(2)
        }
    }

    struct Options {
        var mode = ""
        var width = 0
        var height = 0
        var fps = 25.0
        var model: String?
        var input = "-"
        var maximumSegments = Int.max
        var repeats = 5
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw ToolError("missing value for \(args[i - 1])") }
            return args[i]
        }
        guard let mode = args.first, ["features", "classify", "bench", "upscale"].contains(mode) else {
            throw ToolError("usage: assay-features features|classify|bench|upscale --width W --height H [--fps F] "
                + "[--model DIR] [--max-segments N] [--repeat N] FILE|-")
        }
        o.mode = mode
        i = 1
        while i < args.count {
            switch args[i] {
            case "--width": o.width = Int(try value()) ?? 0
            case "--height": o.height = Int(try value()) ?? 0
            case "--fps": o.fps = Double(try value()) ?? 25
            case "--model": o.model = try value()
            case "--max-segments": o.maximumSegments = Int(try value()) ?? Int.max
            case "--repeat": o.repeats = max(1, min(Int(try value()) ?? 1, 1000))
            default: o.input = args[i]
            }
            i += 1
        }
        guard o.width > 0, o.height > 0, o.width <= 8192, o.height <= 8192 else {
            throw ToolError("--width and --height must be in 1...8192")
        }
        return o
    }

    /// Reads frames lazily from raw yuv420p.
    struct RawFrames: Sequence, IteratorProtocol {
        let handle: FileHandle
        let width: Int, height: Int, fps: Double
        var index = 0
        mutating func next() -> Frame? {
            let c = Frame.chromaSize(width: width, height: height)
            let lumaCount = width * height, chromaCount = c.width * c.height
            let total = lumaCount + 2 * chromaCount
            var data = Data()
            while data.count < total {
                guard let chunk = try? handle.read(upToCount: total - data.count), !chunk.isEmpty else { return nil }
                data.append(chunk)
            }
            let bytes = [UInt8](data)
            guard let y = try? Plane(width: width, height: height, samples: Array(bytes[0..<lumaCount])),
                let u = try? Plane(width: c.width, height: c.height,
                                   samples: Array(bytes[lumaCount..<(lumaCount + chromaCount)])),
                let v = try? Plane(width: c.width, height: c.height,
                                   samples: Array(bytes[(lumaCount + chromaCount)...])),
                let frame = try? Frame(luma: y, cb: u, cr: v, time: MediaTime(seconds: Double(index) / fps),
                                       duration: MediaTime(seconds: 1 / fps), index: index)
            else { return nil }
            index += 1
            return frame
        }
    }

    static func run(_ args: [String]) throws {
        let o = try parse(args)
        let handle: FileHandle
        if o.input == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: o.input) else { throw ToolError("cannot open \(o.input)") }
            handle = h
        }
        let frames = RawFrames(handle: handle, width: o.width, height: o.height, fps: o.fps)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if o.mode == "bench" {
            guard let model = o.model else { throw ToolError("bench needs --model DIR") }
            let classifier = try ArtifactClassifier(modelDirectory: model)
            let all = Array(frames)
            var cpu: [Double] = [], wall: [Double] = []
            var decision = ""
            for _ in 0..<o.repeats {
                let c0 = cpuSeconds(), w0 = Date()
                let analysis = try classifier.analyse(frames: all)
                cpu.append(cpuSeconds() - c0)
                wall.append(Date().timeIntervalSince(w0))
                decision = analysis.evidence.decision.rawValue
            }
            let line = BenchLine(
                frames: all.count, width: o.width, height: o.height, repeats: o.repeats,
                cpuSecondsMedian: cpu.sorted()[cpu.count / 2], wallSecondsMedian: wall.sorted()[wall.count / 2],
                decision: decision)
            print(String(decoding: try encoder.encode(line), as: UTF8.self))
            return
        }
        if o.mode == "classify" {
            guard let model = o.model else { throw ToolError("classify needs --model DIR") }
            let classifier = try ArtifactClassifier(modelDirectory: model)
            let analysis = try classifier.analyse(frames: frames)
            let out = ClassifyOutput(
                evidence: analysis.evidence, statistic: analysis.statistic, abstention: analysis.abstention?.rawValue,
                segmentAbstentions: analysis.segments.map { $0.abstention?.rawValue ?? "" })
            print(String(decoding: try encoder.encode(out), as: UTF8.self))
            return
        }
        let extractor = FeatureExtractor()
        var run: [Frame] = []
        var count = 0
        for frame in frames {
            run.append(frame)
            if run.count == ArtifactClassifier.segmentLength && o.mode == "upscale" {
                let line = UpscaleLine(upscale: extractor.upscaleMeasure(segment: run))
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
                run.removeAll()
                count += 1
                if count >= o.maximumSegments { break }
            } else if run.count == ArtifactClassifier.segmentLength {
                let f = extractor.features(segment: run)
                let line = SegmentLine(
                    featureSetVersion: FeatureSet.version, start: f.start.seconds, values: f.values, profile: f.profile)
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
                run.removeAll()
                count += 1
                if count >= o.maximumSegments { break }
            }
        }
    }

    /// CPU time of this process (all threads), seconds.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    struct BenchLine: Encodable {
        var frames: Int
        var width: Int
        var height: Int
        var repeats: Int
        var cpuSecondsMedian: Double
        var wallSecondsMedian: Double
        var decision: String
    }

    struct UpscaleLine: Encodable {
        var upscale: UpscaleMeasure?
    }

    struct SegmentLine: Encodable {
        var featureSetVersion: String
        var start: Double
        var values: [Double]?
        var profile: ContentProfile
    }

    struct ClassifyOutput: Encodable {
        var evidence: ClassifierEvidence
        var statistic: Double?
        var abstention: String?
        var segmentAbstentions: [String]
    }

    struct ToolError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

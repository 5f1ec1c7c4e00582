import AssayCore
import AssayWatermark
import Foundation

/// Raw-YUV video I/O through the ffmpeg CLI (the benchmark does not depend on AssayMedia).
struct VideoInfo {
    var width: Int
    var height: Int
    var fps: Double
}

enum VideoIO {
    static func probe(_ path: String) throws -> VideoInfo {
        let out = try run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                               "stream=width,height,r_frame_rate", "-of", "csv=p=0:s=x", path])
        let parts = out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "x")
        guard parts.count >= 3, let w = Int(parts[0]), let h = Int(parts[1]) else {
            throw BenchError("cannot probe \(path): \(out)")
        }
        let rate = parts[2].split(separator: "/")
        let fps = rate.count == 2 ? (Double(rate[0]) ?? 30) / max(1, Double(rate[1]) ?? 1) : Double(rate[0]) ?? 30
        return VideoInfo(width: w, height: h, fps: fps)
    }

    static func run(_ exe: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes frames (yuv420p) and calls `body` for each; `body` returns false to stop. A `.y4m` file (4:2:0) is
    /// read directly, without ffmpeg (so that `valgrind --tool=callgrind` can count the detector's instructions:
    /// it cannot start subprocesses here).
    /// - Parameter frameTypes: set ``Frame/isIntra`` from an ffprobe pass (a second decode of the file; only the
    ///   detector's intra-frame test reads it).
    /// - Parameter intraFrames: frame indices to flag intra instead (session 13: a `.y4m` under callgrind, which
    ///   cannot run ffprobe, with the frame types its source has).
    static func decode(_ path: String, vf: String? = nil, maxFrames: Int? = nil, start: Double = 0,
                       frameTypes: Bool = false, intraFrames: Set<Int>? = nil,
                       _ body: (Frame) throws -> Bool) throws -> VideoInfo
    {
        if path.hasSuffix(".y4m") && vf == nil && start == 0 {
            return try readY4M(path, maxFrames: maxFrames, intraFrames: intraFrames ?? [], body)
        }
        var info = try probe(path)
        if let vf, vf.contains("scale") {
            // Output size after the filter: decode one frame as PGM.
            throw BenchError("scale filters are not supported in decode (\(vf))")
        }
        // Session 12: which frames the decoder saw as intra coded (the detector's intra-frame test), from ffprobe;
        // the pipe below carries pixels only. Not known after a seek or a filter.
        let intra = try intraFrames.map { set in (0..<((set.max() ?? -1) + 1)).map { set.contains($0) } }
            ?? (frameTypes && start == 0 && vf == nil ? intraFlags(path) : [])
        var args = ["-v", "error", "-threads", "2"]
        if start > 0 { args += ["-ss", String(start)] }
        args += ["-i", path]
        if let vf { args += ["-vf", vf] }
        if let maxFrames { args += ["-frames:v", String(maxFrames)] }
        args += ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let handle = pipe.fileHandleForReading
        let w = info.width, h = info.height
        let c = Frame.chromaSize(width: w, height: h)
        let frameBytes = w * h + 2 * c.width * c.height
        var index = 0
        var stop = false
        while !stop {
            var buf = Data()
            while buf.count < frameBytes {
                let chunk = handle.readData(ofLength: frameBytes - buf.count)
                if chunk.isEmpty { break }
                buf.append(chunk)
            }
            if buf.count < frameBytes { break }
            let bytes = [UInt8](buf)
            var frame = try Frame(
                luma: Plane(width: w, height: h, samples: Array(bytes[0..<(w * h)])),
                cb: Plane(width: c.width, height: c.height, samples: Array(bytes[(w * h)..<(w * h + c.width * c.height)])),
                cr: Plane(width: c.width, height: c.height, samples: Array(bytes[(w * h + c.width * c.height)...])),
                time: MediaTime(seconds: Double(index) / info.fps), index: index)
            frame.isIntra = index < intra.count && intra[index]
            index += 1
            if try !body(frame) { stop = true }
        }
        if stop { p.terminate() }
        try? handle.close()
        p.waitUntilExit()
        info.width = w
        return info
    }

    /// Per decoded frame, whether it is intra coded (`pict_type` I), as AssayMedia's reader reports it.
    static func intraFlags(_ path: String) throws -> [Bool] {
        let out = try run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                               "frame=pict_type,key_frame", "-of", "csv=p=0", path])
        return out.split(separator: "\n").map { line in
            let fields = line.split(separator: ",")
            return fields.contains("I") || fields.first == "1"
        }
    }

    /// Reads an uncompressed YUV4MPEG2 file (`ffmpeg -i IN -pix_fmt yuv420p OUT.y4m`).
    static func readY4M(_ path: String, maxFrames: Int?, intraFrames: Set<Int> = [],
                        _ body: (Frame) throws -> Bool) throws -> VideoInfo {
        guard let data = FileManager.default.contents(atPath: path),
            let end = data.firstIndex(of: 0x0A), data.starts(with: Array("YUV4MPEG2 ".utf8))
        else { throw BenchError("not a YUV4MPEG2 file: \(path)") }
        var w = 0, h = 0, fps = 30.0
        for field in String(decoding: data[..<end], as: UTF8.self).split(separator: " ").dropFirst() {
            let value = field.dropFirst()
            switch field.first {
            case "W": w = Int(value) ?? 0
            case "H": h = Int(value) ?? 0
            case "F":
                let r = value.split(separator: ":").compactMap { Double($0) }
                if r.count == 2, r[1] > 0 { fps = r[0] / r[1] }
            case "C": guard value.hasPrefix("420") else { throw BenchError("\(path): only 4:2:0 y4m is read") }
            default: break
            }
        }
        guard w > 0, h > 0 else { throw BenchError("\(path): no frame size in the y4m header") }
        let c = Frame.chromaSize(width: w, height: h)
        let frameBytes = w * h + 2 * c.width * c.height
        var offset = end + 1, index = 0
        while offset < data.count, maxFrames.map({ index < $0 }) ?? true {
            guard let line = data[offset...].firstIndex(of: 0x0A), line + 1 + frameBytes <= data.count else { break }
            let y0 = line + 1, u0 = y0 + w * h, v0 = u0 + c.width * c.height
            var frame = try Frame(
                luma: Plane(width: w, height: h, samples: Array(data[y0..<u0])),
                cb: Plane(width: c.width, height: c.height, samples: Array(data[u0..<v0])),
                cr: Plane(width: c.width, height: c.height, samples: Array(data[v0..<(v0 + c.width * c.height)])),
                time: MediaTime(seconds: Double(index) / fps), index: index)
            frame.isIntra = intraFrames.contains(index)
            index += 1
            offset = y0 + frameBytes
            if try !body(frame) { break }
        }
        return VideoInfo(width: w, height: h, fps: fps)
    }

    /// An x264 encoder fed raw frames.
    final class Encoder {
        let process = Process()
        let input = Pipe()
        init(path: String, width: Int, height: Int, fps: Double, crf: Int = 12, preset: String = "medium") throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
            process.arguments = ["-v", "error", "-y", "-threads", "2", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                                 "-s", "\(width)x\(height)", "-r", String(fps), "-i", "-", "-c:v", "libx264",
                                 "-preset", preset, "-crf", String(crf), "-pix_fmt", "yuv420p", path]
            process.standardInput = input
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        func write(_ frame: Frame) {
            var d = Data(frame.luma.samples)
            d.append(contentsOf: frame.cb.samples)
            d.append(contentsOf: frame.cr.samples)
            input.fileHandleForWriting.write(d)
        }
        func finish() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// SplitMix64: seeded generator for reproducible keys and payloads.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func benchKey(_ seed: UInt64) -> WatermarkKey {
    var rng = SplitMix64(seed: seed &* 7919 &+ 17)
    return WatermarkKey.generate(using: &rng)
}

func benchPayload(_ seed: UInt64) -> UInt64 {
    var rng = SplitMix64(seed: seed &+ 0xABCDEF)
    return rng.next()
}

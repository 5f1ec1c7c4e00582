import AssayCore
import AssayTestSupport
import Foundation

/// Helpers that ask the real ffprobe/ffmpeg CLIs about a file, for comparison with AssayMedia.
enum FFprobe {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String]) throws -> String {
        guard let tool = Subprocess.which("ffprobe") else { throw Failure(description: "ffprobe not on PATH") }
        let result = try Subprocess.run(tool, ["-v", "error"] + arguments)
        guard result.status == 0 else { throw Failure(description: "ffprobe \(arguments): \(result.stderrText)") }
        return result.stdoutText
    }

    /// `best_effort_timestamp` of every decoded frame of the first video stream (ticks of its time base).
    static func frameTimestamps(_ url: URL, keyframesOnly: Bool = false) throws -> [Int64] {
        let args = [
            "-select_streams", "v:0", "-show_entries", "frame=key_frame,best_effort_timestamp", "-of",
            "csv=p=0", url.path,
        ]
        return try run(args).split(whereSeparator: \.isNewline).compactMap { line -> Int64? in
            let parts = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 2, let key = Int(parts[0]), let ts = Int64(parts[1]) else { return nil }
            return !keyframesOnly || key == 1 ? ts : nil
        }
    }

    /// Per decoded frame of the first video stream, whether ffprobe reports it as intra coded (`pict_type` I or
    /// `key_frame` 1).
    static func intraFrames(_ url: URL) throws -> [Bool] {
        let out = try run(["-select_streams", "v:0", "-show_entries", "frame=key_frame,pict_type", "-of", "csv=p=0",
                           url.path])
        return out.split(whereSeparator: \.isNewline).map { line in
            let parts = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.contains("I") || parts.first == "1"
        }
    }

    /// `nb_read_frames` with `-count_frames` for the first video stream.
    static func countFrames(_ url: URL) throws -> Int {
        let out = try run([
            "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
            "-of", "csv=p=0", url.path,
        ])
        guard let n = Int(out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").first ?? "") else {
            throw Failure(description: "no frame count in \(out)")
        }
        return n
    }

    /// A stream entry (`-show_entries stream=KEY`) of the first stream of `kind` (`v` or `a`).
    static func streamEntry(_ url: URL, _ kind: String, _ key: String) throws -> String {
        let out = try run([
            "-select_streams", "\(kind):0", "-show_entries", "stream=\(key)", "-of", "default=nw=1", url.path,
        ])
        for line in out.split(whereSeparator: \.isNewline) where line.hasPrefix("\(key)=") {
            return String(line.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        throw Failure(description: "no \(key) for \(url.lastPathComponent)")
    }

    /// (pts, size) of every packet of the first audio stream.
    static func audioPackets(_ url: URL) throws -> [(pts: Int64, size: Int)] {
        try run(["-select_streams", "a:0", "-show_entries", "packet=pts,size", "-of", "csv=p=0", url.path])
            .split(whereSeparator: \.isNewline).compactMap { line in
                let parts = line.split(separator: ",")
                guard parts.count >= 2, let pts = Int64(parts[0]), let size = Int(parts[1]) else { return nil }
                return (pts, size)
            }
    }

    /// Time base (`num/den`) of the first stream of `kind`.
    static func timeBase(_ url: URL, _ kind: String) throws -> (Int64, Int64) {
        let parts = try streamEntry(url, kind, "time_base").split(separator: "/")
        guard parts.count == 2, let n = Int64(parts[0]), let d = Int64(parts[1]) else {
            throw Failure(description: "bad time base")
        }
        return (n, d)
    }
}

/// The types of the top-level ISO BMFF boxes of a file, read from its bytes (sizes bounded by the file).
func topLevelBoxTypes(_ url: URL) throws -> [String] {
    let data = try Data(contentsOf: url)
    var types: [String] = []
    var offset = 0
    while offset + 8 <= data.count, types.count < 64 {
        let b = data.subdata(in: offset..<offset + 8)
        var size = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
        let type = String(decoding: b[4..<8], as: UTF8.self)
        types.append(type)
        if size == 1, offset + 16 <= data.count {
            size = data.subdata(in: offset + 8..<offset + 16).reduce(0) { $0 << 8 | Int($1) }
        } else if size == 0 {
            size = data.count - offset
        }
        guard size >= 8 else { break }
        offset += size
    }
    return types
}

/// The expected `MediaTime` of a tick count in a time base, as the reader builds it.
func expectedTime(_ ticks: Int64, _ timeBase: (Int64, Int64)) -> MediaTime {
    MediaTime(value: ticks * timeBase.0, timescale: Int32(timeBase.1))
}

/// Whether a file exists at a URL.
func fileExists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

/// The files in a folder.
func folderContents(_ url: URL) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
}

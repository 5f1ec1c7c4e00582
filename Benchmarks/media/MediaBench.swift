// media-bench: the AssayMedia side of Benchmarks/media/run.sh (decode and transcode one clip, print the time).
// Usage:
//   media-bench decode <in.mp4> <decoder-threads>
//   media-bench transcode <in.mp4> <out.mp4> <preset> <threads> [crf]
// Prints one line: `frames=<n> seconds=<wall> fps=<n/wall>` (wall time from open to the output's rename).
import AssayCore
import AssayMedia

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct MediaBench {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func fail(_ message: String) -> Never {
        var text = Array((message + "\n").utf8)
        _ = text.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }

    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 4 else {
            fail("usage: media-bench decode IN THREADS | transcode IN OUT PRESET THREADS [CRF]")
        }
        do {
            let start = now()
            var frames = 0
            switch args[1] {
            case "decode":
                guard let threads = Int(args[3]) else { fail("bad thread count") }
                let reader = try VideoReader(path: args[2], options: VideoReader.Options(threads: threads))
                while let frame = try reader.nextFrame() {
                    frames += 1
                    _ = frame.luma.samples.count
                }
            case "transcode":
                guard args.count >= 6, let threads = Int(args[5]) else {
                    fail("usage: transcode IN OUT PRESET THREADS [CRF]")
                }
                let crf = args.count > 6 ? Int(args[6]) ?? 18 : 18
                let options = Transcoder.Options(
                    reader: VideoReader.Options(threads: threads),
                    writer: VideoWriter.Options(crf: crf, preset: args[4], threads: threads)
                )
                frames = try Transcoder.transcode(input: args[2], output: args[3], options: options).framesProcessed
            default:
                fail("unknown command \(args[1])")
            }
            let seconds = now() - start
            print("frames=\(frames) seconds=\(seconds) fps=\(Double(frames) / seconds)")
        } catch {
            fail("media-bench: \(error)")
        }
    }
}

// libFuzzer entry point for AssayMedia: probing and decoding arbitrary bytes through libavformat and
// libavcodec, as `assay info`, `verify` and `scan` do with every file they are given. The input is
// written to a file on /dev/shm (the media layer opens paths); every stream is described and up to
// eight frames are decoded and converted. FFmpeg itself is not instrumented for coverage (only the
// Swift wrapper is), but ASan's allocator checks its frees and every buffer Assay reads from it.
import AssayCore
import AssayMedia
import Foundation

let tmp = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
let path = tmp + "assay-fuzz-media-\(getpid())"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let file = fopen(path, "wb") else { return 0 }
    let written = fwrite(data, 1, size, file)
    fclose(file)
    guard written == size else { return 0 }
    guard let info = try? MediaInfo.probe(path, requiringVideo: false, timeoutSeconds: 5) else { return 0 }
    _ = info.streams.count
    guard info.bestVideoStreamIndex != nil,
        let reader = try? VideoReader(path: path, options: .init(threads: 1, timeoutSeconds: 5))
    else { return 0 }
    var frames = 0
    while frames < 8, let frame = try? reader.nextFrame() {
        // Every plane must hold exactly width x height samples (the converters trust that).
        for plane in [frame.luma, frame.cb, frame.cr] where plane.samples.count != plane.width * plane.height {
            fatalError("plane of \(plane.width)x\(plane.height) holds \(plane.samples.count) samples")
        }
        frames += 1
    }
    return 0
}

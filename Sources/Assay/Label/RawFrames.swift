import AssayCore
#if canImport(Glibc)
import Glibc
#endif

/// Raw planar yuv420p frames on a pipe (`assay label --raw WxH@FPS -`).
public enum RawFrames {
    /// Bytes of one frame: luma plus two chroma planes rounded up.
    public static func frameSize(width: Int, height: Int) -> Int {
        let c = Frame.chromaSize(width: width, height: height)
        return width * height + 2 * c.width * c.height
    }

    /// Reads exactly one frame; `false` at a clean end of input.
    /// - Throws: ``AssayError/Code/io`` when input ends inside a frame or a read fails.
    public static func readFull(fd: Int32, into buffer: inout [UInt8]) throws -> Bool {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AssayError(.io, "reading raw frames failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                if done == 0 { return false }
                throw AssayError(.io, "raw input ended inside a frame (\(done) of \(buffer.count) bytes)")
            }
            done += n
        }
        return true
    }

    /// Splits one frame's bytes into planes.
    public static func frame(_ bytes: [UInt8], width: Int, height: Int) throws -> Frame {
        let c = Frame.chromaSize(width: width, height: height)
        let y = width * height
        let cs = c.width * c.height
        return try Frame(luma: Plane(width: width, height: height, samples: Array(bytes[0..<y])),
                         cb: Plane(width: c.width, height: c.height, samples: Array(bytes[y..<(y + cs)])),
                         cr: Plane(width: c.width, height: c.height, samples: Array(bytes[(y + cs)..<(y + 2 * cs)])))
    }
}

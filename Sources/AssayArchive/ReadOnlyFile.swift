import AssayCore
#if canImport(Glibc)
import Glibc
#endif

/// A file opened read-only and read with `pread`, so readers never change a shared position.
final class ReadOnlyFile: @unchecked Sendable {
    let path: String
    let fd: Int32
    let size: Int64

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ArchiveError(.io, "cannot open: \(String(cString: strerror(errno)))", InputLocation(path: path))
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ArchiveError(.io, "not a regular file", InputLocation(path: path))
        }
        size = Int64(st.st_size)
    }

    deinit { close(fd) }

    /// Reads exactly `count` bytes at `offset`, or throws `truncated`.
    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        guard count >= 0, offset >= 0, offset <= size, Int64(count) <= size - offset else {
            throw ArchiveError(.truncated, "needs \(count) bytes at \(offset) but the file has \(size)",
                               InputLocation(path: path, offset: offset))
        }
        var buf = [UInt8](repeating: 0, count: count)
        try readInto(&buf, at: offset)
        return buf
    }

    func readInto(_ buf: inout [UInt8], at offset: Int64, count: Int? = nil) throws {
        let want = count ?? buf.count
        var done = 0
        try buf.withUnsafeMutableBytes { raw in
            while done < want {
                let n = pread(fd, raw.baseAddress! + done, want - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ArchiveError(.io, "read failed: \(String(cString: strerror(errno)))",
                                       InputLocation(path: path, offset: offset + Int64(done)))
                }
                if n == 0 {
                    throw ArchiveError(.truncated, "unexpected end of file", InputLocation(path: path, offset: offset + Int64(done)))
                }
                done += n
            }
        }
    }
}

@inline(__always) func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
@inline(__always) func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}
@inline(__always) func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }

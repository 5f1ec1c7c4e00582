import AssayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `strerror` text for an `errno` value.
func systemErrorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Thin wrappers around the POSIX calls this module makes; each turns `errno` into a ``BMFFError``.
enum Syscall {
    /// `pread(2)` until `buffer` is full or end of file; returns the number of bytes read.
    static func preadFully(
        _ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String
    ) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw BMFFError.ioFailure(
                    "read failed", errno: errno, at: .init(path: path, offset: offset + Int64(done)))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// `open(2)` read-only with close-on-exec.
    static func openReadOnly(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw BMFFError.ioFailure("cannot open \(path)", errno: errno, at: .init(path: path))
        }
        return fd
    }

    /// The size of an open file (`fstat(2)`); rejects anything that is not a regular file.
    static func fileSize(_ fd: Int32, path: String) throws -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw BMFFError.ioFailure("cannot stat \(path)", errno: errno, at: .init(path: path))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw BMFFError.ioFailure("not a regular file", errno: EINVAL, at: .init(path: path))
        }
        return Int64(st.st_size)
    }

    /// `sendfile(2)` of `count` bytes from `input` at `offset` to the current position of
    /// `output`. Returns `false` (nothing copied) when the kernel or file system cannot do it, so the
    /// caller falls back to read/write.
    static func sendFile(
        from input: Int32, at offset: Int64, count: Int64, to output: Int32, path: String
    ) throws -> Bool {
        #if os(Linux)
        var inOffset = off_t(offset)
        var left = count
        var first = true
        while left > 0 {
            let n = sendfile(output, input, &inOffset, Int(min(left, 1 << 30)))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if first, [ENOSYS, EXDEV, EINVAL, EOPNOTSUPP, EBADF, EPERM].contains(e) { return false }
                throw BMFFError.ioFailure("sendfile failed", errno: e, at: .init(path: path, offset: Int64(inOffset)))
            }
            if n == 0 {
                throw BMFFError.truncated("file shrank while copying", at: .init(path: path, offset: Int64(inOffset)))
            }
            first = false
            left -= Int64(n)
        }
        return true
        #else
        return false
        #endif
    }

    /// `true` if `path` names the same file (device and inode) as the open descriptor `fd`.
    static func isSameFile(_ path: String, as fd: Int32) -> Bool {
        var a = stat()
        var b = stat()
        guard stat(path, &a) == 0, fstat(fd, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AssayCore

/// The 256-bit secret that seeds the watermark layout. Separate from the C2PA signing key.
///
/// Detection without the key finds nothing: the pilot and message phases are derived from it, and
/// the detector's null distribution assumes the phases are unknown to the content. The key is never
/// printed; ``description`` and ``fingerprint`` show a public fingerprint only.
///
/// File format (UTF-8 text, mode 0600): `assay-watermark-key v1\n<64 lower-case hex digits>\n`.
public struct WatermarkKey: Sendable, Equatable, CustomStringConvertible {
    /// The first line of a key file.
    public static let fileHeader = "assay-watermark-key v1"

    let secret: [UInt8]

    /// Creates a key from exactly 32 secret bytes.
    /// - Throws: ``WatermarkError/Code/invalidKey`` if `bytes` is not 32 long.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw WatermarkError.invalidKey("a watermark key has 32 bytes, got \(bytes.count)")
        }
        secret = bytes
    }

    /// A fresh key from the system's cryptographic random generator (`assay keys init`).
    public static func generate() -> WatermarkKey {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    /// A key from the given generator (tests and benchmarks pass a seeded one).
    public static func generate<G: RandomNumberGenerator>(using rng: inout G) -> WatermarkKey {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let v = rng.next() as UInt64
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        // swift-format-ignore: force-try is safe, the count is 32 by construction.
        return try! WatermarkKey(bytes: bytes)
    }

    /// Public fingerprint: the first 8 bytes of SHA-256("assay-watermark-key-fingerprint v1" || 0 || key),
    /// as 16 hex digits. Safe to print and to store in reports.
    public var fingerprint: String {
        let digest = SHA256.hash(Array("assay-watermark-key-fingerprint v1".utf8) + [0] + secret)
        return Self.hex(Array(digest.prefix(8)))
    }

    /// `WatermarkKey(fingerprint: …)`; never the key itself.
    public var description: String { "WatermarkKey(fingerprint: \(fingerprint))" }

    /// The key file's text.
    public var fileContents: String { "\(Self.fileHeader)\n\(Self.hex(secret))\n" }

    /// Parses a key file's text.
    /// - Throws: ``WatermarkError/Code/invalidKey`` (the message never echoes the secret).
    public init(fileContents text: String) throws {
        let lines = text.split(separator: "\n").map { String($0.filter { $0 != "\r" && $0 != " " && $0 != "\t" }) }
            .filter { !$0.isEmpty }
        guard lines.count == 2, lines[0] == Self.fileHeader.filter({ $0 != " " }) else {
            throw WatermarkError.invalidKey("not an assay watermark key file (expected '\(Self.fileHeader)' then 64 hex digits)")
        }
        let digits = Array(lines[1].utf8)
        guard digits.count == 64 else {
            throw WatermarkError.invalidKey("a watermark key has 64 hex digits, the file has \(digits.count)")
        }
        var bytes = [UInt8]()
        for i in stride(from: 0, to: 64, by: 2) {
            guard let hi = Self.nibble(digits[i]), let lo = Self.nibble(digits[i + 1]) else {
                throw WatermarkError.invalidKey("the watermark key line has a non-hex character")
            }
            bytes.append(hi << 4 | lo)
        }
        try self.init(bytes: bytes)
    }

    /// Loads a key file, refusing files that group or others can read.
    /// - Throws: ``WatermarkError/Code/insecureKeyFile``, ``WatermarkError/Code/keyFileIO`` or
    ///   ``WatermarkError/Code/invalidKey``.
    public static func load(path: String) throws -> WatermarkKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WatermarkError.keyFileIO("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw WatermarkError.keyFileIO("cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw WatermarkError.keyFileIO("\(path) is not a regular file") }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw WatermarkError.insecureKeyFile(
                "\(path) has mode \(String(mode, radix: 8)); a watermark key must be private (chmod 600 \(path))")
        }
        guard st.st_size <= 4096 else { throw WatermarkError.invalidKey("\(path) is too large to be a watermark key file") }
        var bytes = [UInt8](repeating: 0, count: 4097)
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WatermarkError.keyFileIO("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            total += n
        }
        guard total <= 4096 else { throw WatermarkError.invalidKey("\(path) is too large to be a watermark key file") }
        guard let text = String(validating: bytes[0..<total], as: UTF8.self) else {
            throw WatermarkError.invalidKey("\(path) is not UTF-8 text")
        }
        return try WatermarkKey(fileContents: text)
    }

    /// Writes the key file atomically with mode 0600.
    /// - Parameter overwrite: replace an existing file (default: refuse).
    /// - Throws: ``WatermarkError/Code/keyFileIO``.
    public func write(path: String, overwrite: Bool = false) throws {
        if !overwrite, access(path, F_OK) == 0 {
            throw WatermarkError.keyFileIO("\(path) already exists; refusing to overwrite a key")
        }
        do {
            let writer = try AtomicFileWriter(destinationPath: path)
            guard fchmod(writer.fileDescriptor, 0o600) == 0 else {
                throw WatermarkError.keyFileIO("cannot set mode 0600 on \(writer.temporaryPath)")
            }
            try writer.write(Array(fileContents.utf8))
            try writer.commit()
        } catch let error as AssayCoreError {
            throw WatermarkError.keyFileIO("cannot write \(path): \(error.reason)")
        }
    }

    public static func == (lhs: WatermarkKey, rhs: WatermarkKey) -> Bool {
        // Constant-time comparison.
        guard lhs.secret.count == rhs.secret.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<lhs.secret.count { diff |= lhs.secret[i] ^ rhs.secret[i] }
        return diff == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

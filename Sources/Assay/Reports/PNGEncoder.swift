import AssayCore

/// A minimal PNG writer (8-bit RGB, stored deflate blocks) for report thumbnails, in pure Swift.
///
/// Stored (uncompressed) deflate keeps it tiny and exact; thumbnails are small, so size is fine.
public enum PNGEncoder {
    /// Encodes `width × height` RGB pixels (3 bytes each, row-major).
    public static func encodeRGB(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(rgb.count == width * height * 3 && width > 0 && height > 0, "RGB buffer size mismatch")
        var raw = [UInt8]()
        raw.reserveCapacity((width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter: none
            raw.append(contentsOf: rgb[(y * width * 3)..<((y + 1) * width * 3)])
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, raw.count - offset)
            let final: UInt8 = offset + n == raw.count ? 1 : 0
            zlib.append(final)
            zlib.append(UInt8(n & 0xff)); zlib.append(UInt8(n >> 8))
            zlib.append(UInt8(~n & 0xff)); zlib.append(UInt8((~n >> 8) & 0xff))
            zlib.append(contentsOf: raw[offset..<(offset + n)])
            offset += n
        } while offset < raw.count
        appendBE32(&zlib, adler32(raw))

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = [UInt8]()
        appendBE32(&ihdr, UInt32(width))
        appendBE32(&ihdr, UInt32(height))
        ihdr += [8, 2, 0, 0, 0]  // depth 8, colour type RGB, deflate, filter 0, no interlace
        chunk(&png, "IHDR", ihdr)
        chunk(&png, "IDAT", zlib)
        chunk(&png, "IEND", [])
        return png
    }

    /// A thumbnail of a frame, at most `maxWidth` wide, converted with BT.601 limited-range coefficients.
    public static func thumbnail(_ frame: Frame, maxWidth: Int = 240) -> [UInt8] {
        let scale = max(1, (frame.width + maxWidth - 1) / maxWidth)
        let w = max(1, frame.width / scale)
        let h = max(1, frame.height / scale)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for ty in 0..<h {
            for tx in 0..<w {
                let x = min(frame.width - 1, tx * scale)
                let y = min(frame.height - 1, ty * scale)
                let yv = Double(frame.luma[x, y]) - 16
                let u = Double(frame.cb[x / 2, y / 2]) - 128
                let v = Double(frame.cr[x / 2, y / 2]) - 128
                let r = 1.164 * yv + 1.596 * v
                let g = 1.164 * yv - 0.392 * u - 0.813 * v
                let b = 1.164 * yv + 2.017 * u
                let i = (ty * w + tx) * 3
                rgb[i] = clamp8(r)
                rgb[i + 1] = clamp8(g)
                rgb[i + 2] = clamp8(b)
            }
        }
        return encodeRGB(width: w, height: h, rgb: rgb)
    }

    private static func clamp8(_ x: Double) -> UInt8 { UInt8(max(0, min(255, x.rounded()))) }

    private static func chunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        appendBE32(&out, UInt32(data.count))
        let typed = Array(type.utf8) + data
        out += typed
        appendBE32(&out, crc32(typed))
    }

    private static func appendBE32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (ISO 3309) as PNG uses it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xffff_ffff
    }

    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for chunkStart in stride(from: 0, to: bytes.count, by: 5552) {
            for x in bytes[chunkStart..<min(bytes.count, chunkStart + 5552)] {
                a += UInt32(x)
                b += a
            }
            a %= 65_521
            b %= 65_521
        }
        return b << 16 | a
    }
}

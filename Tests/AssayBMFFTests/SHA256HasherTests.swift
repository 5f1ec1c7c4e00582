import AssayBMFF
import AssayTestSupport
import Foundation
import Testing

@Suite struct SHA256HasherTests {
    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(Self.hex(SHA256Hasher.digest(Array(input.utf8))) == expected)
    }

    @Test func millionAsStreamedInPieces() throws {
        var h = SHA256Hasher()
        let piece = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { h.update(piece) }
        #expect(Self.hex(h.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // finalize resets: the hasher is reusable.
        h.update(Array("abc".utf8))
        #expect(Self.hex(h.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func copiesAreIndependent() {
        var a = SHA256Hasher()
        a.update(Array("ab".utf8))
        var b = a
        b.update(Array("c".utf8))
        a.update(Array("x".utf8))
        #expect(Self.hex(b.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(a.finalize() == SHA256Hasher.digest(Array("abx".utf8)))
    }

    @Test func filesMatchOpenSSLCLI() throws {
        let dir = try TemporaryDirectory()
        var rng = SystemRandomNumberGenerator()
        // 2.5 MiB + 7 bytes: crosses two 1 MiB chunk boundaries and ends on a partial chunk.
        let big = try dir.write(
            "big.bin", (0..<(5 * (1 << 19) + 7)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let openssl = try #require(Subprocess.which("openssl"))
        for url in [big, try TestFixtures.generated("clip_720p.mp4")] {
            let r = try Subprocess.run(openssl, ["dgst", "-sha256", "-r", url.path])
            #expect(r.status == 0)
            let expected = String(r.stdoutText.prefix(64))
            #expect(Self.hex(try SHA256Hasher.digest(source: try FileByteSource(path: url.path))) == expected)
        }
    }

    @Test func rangesMatchInMemoryDigests() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let all = try Helpers.bytes(url)
        let src = try FileByteSource(path: url.path)
        for r in [0..<0, 0..<1, 17..<100_017, 5..<Int64(all.count)] as [Range<Int64>] {
            let expected = SHA256Hasher.digest(Array(all[Int(r.lowerBound)..<Int(r.upperBound)]))
            #expect(try SHA256Hasher.digest(source: src, range: r) == expected)
        }
        let e = #expect(throws: BMFFError.self) { _ = try SHA256Hasher.digest(source: src, range: 0..<(src.size + 1)) }
        #expect(e?.code == .truncated)
    }
}

import AssayArchive
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Archives are made by Python's zipfile/tarfile (an independent implementation), then read here.
@Suite struct ArchiveReaderTests {
    static func python(_ script: String, _ args: [String]) throws {
        let r = try Subprocess.run("/usr/bin/env", ["python3", "-c", script] + args)
        guard r.status == 0 else { throw TestFixtures.FixtureError(message: "python failed: \(r.stderrText)") }
    }

    static let makeArchives = """
        import io, os, sys, tarfile, zipfile
        d = sys.argv[1]
        payload = bytes(range(256)) * 4000 + b'tail'
        with zipfile.ZipFile(os.path.join(d, 'mixed.zip'), 'w') as z:
            z.writestr(zipfile.ZipInfo('dir/'), b'')
            z.writestr('stored/a.mp4', payload, compress_type=zipfile.ZIP_STORED)
            z.writestr('deflated/b.mov', payload, compress_type=zipfile.ZIP_DEFLATED)
            z.writestr('weird name ✓ [1].txt', b'hello', compress_type=zipfile.ZIP_DEFLATED)
        with zipfile.ZipFile(os.path.join(d, 'zip64.zip'), 'w', allowZip64=True) as z:
            with z.open('big.mp4', 'w', force_zip64=True) as f:
                f.write(payload)
        with zipfile.ZipFile(os.path.join(d, 'bomb.zip'), 'w') as z:
            z.writestr('bomb.mp4', b'\\0' * (50 << 20), compress_type=zipfile.ZIP_DEFLATED)
        with tarfile.open(os.path.join(d, 'ustar.tar'), 'w', format=tarfile.USTAR_FORMAT) as t:
            for name, data in [('x/one.mp4', payload), ('two.mkv', b'abc')]:
                ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000
                t.addfile(ti, io.BytesIO(data))
            di = tarfile.TarInfo('x'); di.type = tarfile.DIRTYPE; t.addfile(di)
        long = 'deep/' * 40 + 'clip.mp4'
        for fmt, name in [(tarfile.PAX_FORMAT, 'pax.tar'), (tarfile.GNU_FORMAT, 'gnu.tar')]:
            with tarfile.open(os.path.join(d, name), 'w', format=fmt) as t:
                ti = tarfile.TarInfo(long); ti.size = len(payload); t.addfile(ti, io.BytesIO(payload))
        import gzip
        raw = open(os.path.join(d, 'pax.tar'), 'rb').read()
        with tarfile.open(os.path.join(d, 'pax.tar.gz'), 'w:gz', format=tarfile.PAX_FORMAT) as t:
            ti = tarfile.TarInfo(long); ti.size = len(payload); t.addfile(ti, io.BytesIO(payload))
        # Two gzip members back to back (`cat a.gz b.gz`) decompress to the concatenation.
        open(os.path.join(d, 'concat.tgz'), 'wb').write(gzip.compress(raw[:5000]) + gzip.compress(raw[5000:]))
        gz = bytearray(gzip.compress(raw))
        open(os.path.join(d, 'cut.tgz'), 'wb').write(gz[:len(gz) // 2])
        gz[-6] ^= 0xff  # the CRC-32 in the trailer
        open(os.path.join(d, 'badcrc.tgz'), 'wb').write(gz)
        ti = tarfile.TarInfo('bomb.mp4'); ti.size = 50 << 20
        with tarfile.open(os.path.join(d, 'bomb.tgz'), 'w:gz') as t:
            t.addfile(ti, io.BytesIO(b'\\0' * ti.size))
        """

    let dir: TemporaryDirectory
    let payload: [UInt8] = Array((0..<4000).flatMap { _ in (0...255).map { UInt8($0) } }) + Array("tail".utf8)

    init() throws {
        dir = try TemporaryDirectory(prefix: "archive")
        try Self.python(Self.makeArchives, [dir.url.path])
    }

    func p(_ name: String) -> String { dir.path(name).path }

    @Test func zipStoredAndDeflatedMembersExtractExactly() throws {
        #expect(ArchiveKind.detect(path: p("mixed.zip")) == .zip)
        let members = try ZipReader(path: p("mixed.zip")).members()
        #expect(members.map(\.name) == ["stored/a.mp4", "deflated/b.mov", "weird name ✓ [1].txt"])
        #expect(members.map(\.compression) == [.stored, .deflate, .deflate])
        #expect(members[1].pathExtension == "mov")
        for m in members.prefix(2) {
            let out = p("out-\(m.pathExtension)")
            #expect(try MemberExtractor(archivePath: p("mixed.zip")).extract(m, to: out) == Int64(payload.count))
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))) == payload)
        }
    }

    @Test func zip64IsRead() throws {
        let m = try ZipReader(path: p("zip64.zip")).members()
        #expect(m.count == 1 && m[0].size == Int64(payload.count))
        try MemberExtractor(archivePath: p("zip64.zip")).extract(m[0], to: p("z64.out"))
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: p("z64.out")))) == payload)
    }

    @Test func zipBombIsStoppedAndLeavesNothing() throws {
        let m = try ZipReader(path: p("bomb.zip")).members()
        #expect(m[0].size == 50 << 20)
        #expect(m[0].storedSize < 100_000)
        #expect(throws: ArchiveError.self) {
            try MemberExtractor(archivePath: p("bomb.zip")).extract(m[0], to: self.p("bomb.out"))
        }
        #expect(!FileManager.default.fileExists(atPath: p("bomb.out")))
        // An explicit absolute cap applies too.
        var limits = ArchiveLimits.default
        limits.maxMemberSize = 1 << 20
        #expect(throws: ArchiveError.self) { try MemberExtractor(archivePath: p("bomb.zip"), limits: limits).extract(m[0], to: self.p("b2")) }
    }

    @Test func tarFormats() throws {
        #expect(ArchiveKind.detect(path: p("ustar.tar")) == .tar)
        let u = try TarReader(path: p("ustar.tar")).members()
        #expect(u.map(\.name) == ["x/one.mp4", "two.mkv"])
        #expect(u[0].modificationTime == 1_700_000_000)
        try MemberExtractor(archivePath: p("ustar.tar")).extract(u[0], to: p("t.out"))
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: p("t.out")))) == payload)
        for name in ["pax.tar", "gnu.tar"] {
            let m = try TarReader(path: p(name)).members()
            #expect(m.count == 1)
            #expect(m[0].name == String(repeating: "deep/", count: 40) + "clip.mp4", "\(name)")
            #expect(m[0].size == Int64(payload.count))
        }
    }

    @Test func tarGzipIsReadThroughADecompressedCopy() throws {
        for name in ["pax.tar.gz", "concat.tgz"] {
            #expect(ArchiveKind.detect(path: p(name)) == .tarGzip, "\(name)")
            let listed = try ArchiveKind.tarGzip.members(path: p(name), scratchDirectory: dir.url.path)
            #expect(listed.map(\.name) == ["deep/" + String(repeating: "deep/", count: 39) + "clip.mp4"], "\(name)")
            try GzipReader.decompress(path: p(name), to: p(name + ".tar"))
            let members = try TarReader(path: p(name + ".tar")).members()
            #expect(members == listed)
            try MemberExtractor(archivePath: p(name + ".tar")).extract(members[0], to: p(name + ".out"))
            #expect(try [UInt8](Data(contentsOf: dir.path(name + ".out"))) == payload, "\(name)")
        }
        // The concatenated members decompress to exactly the original tar.
        #expect(try Data(contentsOf: dir.path("concat.tgz.tar")) == Data(contentsOf: dir.path("pax.tar")))
        // No temporary tar is left behind by listing.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).allSatisfy { !$0.hasPrefix("assay-") })
    }

    @Test func brokenAndHostileGzipFailWithoutOutput() throws {
        let cases: [(String, ArchiveError.Code)] = [("cut.tgz", .truncated), ("badcrc.tgz", .malformed),
                                                    ("bomb.tgz", .limitExceeded)]
        for (name, code) in cases {
            #expect(ArchiveKind.detect(path: p(name)) == .tarGzip, "\(name): the head is still readable")
            do {
                try GzipReader.decompress(path: p(name), to: p(name + ".tar"))
                Issue.record("\(name) decompressed")
            } catch let error as ArchiveError {
                #expect(error.code == code, "\(name): \(error)")
                #expect(error.location.path == p(name), "\(name): the error names the file")
            }
            #expect(!FileManager.default.fileExists(atPath: p(name + ".tar")), "\(name): no partial output")
        }
        // Plain gzip that is not a tar, and a file that only has the magic: not archives.
        let notTar = try dir.write("video.mp4.gz", Array([UInt8](try Data(contentsOf: dir.path("concat.tgz"))).prefix(3)) + [0, 0])
        #expect(ArchiveKind.detect(path: notTar.path) == nil)
    }

    @Test(arguments: ["mixed.zip", "zip64.zip", "ustar.tar", "pax.tar"])
    func truncationsNeverCrashAndNameTheFile(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p(name))))
        let cuts = Set([1, 10, 22, 100, 511, 512, 513, 1024, bytes.count / 2, bytes.count - 23, bytes.count - 1])
        for cut in cuts where cut > 0 && cut < bytes.count {
            let path = try dir.write("cut-\(cut)-\(name)", Array(bytes[0..<cut])).path
            do {
                let kind = name.hasSuffix(".zip") ? ArchiveKind.zip : .tar
                let members = try kind.members(path: path)
                // A tar cut on a block boundary may legitimately list fewer members; extraction must then fail or match.
                for m in members {
                    _ = try? MemberExtractor(archivePath: path).extract(m, to: dir.path("x-\(cut)").path)
                }
            } catch let e as ArchiveError {
                #expect(e.location.path == path)
            }
        }
    }

    @Test func corruptedDataIsDetected() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p("mixed.zip"))))
        let m = try ZipReader(path: p("mixed.zip")).members()
        bytes[Int(m[0].dataOffset) + 5] ^= 0xff  // stored member: CRC must catch it
        bytes[Int(m[1].dataOffset) + 3] ^= 0x55  // deflated member: zlib or CRC must catch it
        let path = try dir.write("corrupt.zip", bytes).path
        #expect(throws: ArchiveError(.checksumMismatch, "", InputLocation())) {
            try MemberExtractor(archivePath: path).extract(m[0], to: self.dir.path("c0").path)
        }
        #expect(throws: ArchiveError.self) { try MemberExtractor(archivePath: path).extract(m[1], to: self.dir.path("c1").path) }
        #expect(!FileManager.default.fileExists(atPath: dir.path("c0").path))
    }

    @Test func garbageAndHostileHeaders() throws {
        var rng = SystemRandomNumberGenerator()
        let junk = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let junkPath = try dir.write("junk.bin", junk).path
        #expect(ArchiveKind.detect(path: junkPath) == nil)
        #expect(throws: ArchiveError.self) { try ZipReader(path: junkPath).members() }
        #expect(throws: ArchiveError.self) { try TarReader(path: junkPath).members() }
        #expect(throws: ArchiveError.self) { try ZipReader(path: try dir.write("empty", []).path).members() }
        // A tar header claiming a petabyte member.
        var header = [UInt8](repeating: 0, count: 512)
        for (i, c) in "huge.mp4".utf8.enumerated() { header[i] = c }
        for (i, c) in "77777777777\0".utf8.enumerated() { header[124 + i] = c }
        header[156] = UInt8(ascii: "0")
        for (i, c) in "ustar\0".utf8.enumerated() { header[257 + i] = c }
        for i in 148..<156 { header[i] = 32 }
        let sum = header.reduce(0) { $0 + Int($1) }
        for (i, c) in String(sum, radix: 8).utf8.enumerated() { header[148 + i] = c }
        header[148 + String(sum, radix: 8).count] = 0
        let huge = try dir.write("huge.tar", header + [UInt8](repeating: 0, count: 1024)).path
        #expect(throws: ArchiveError(.truncated, "", InputLocation())) { try TarReader(path: huge).members() }
        // Encrypted flag set on a zip member.
        var enc = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p("zip64.zip"))))
        let cd = enc.indices.first { enc[$0] == 0x50 && enc[$0 + 1] == 0x4b && enc[$0 + 2] == 1 && enc[$0 + 3] == 2 }!
        enc[cd + 8] |= 1
        #expect(throws: ArchiveError(.unsupported, "", InputLocation())) {
            try ZipReader(path: try self.dir.write("enc.zip", enc).path).members()
        }
    }
}

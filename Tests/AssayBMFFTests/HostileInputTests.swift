import AssayBMFF
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite struct HostileInputTests {
    static let ftyp = BoxBuilder.box("ftyp", Array("isom".utf8) + [0, 0, 2, 0])

    /// Parses `bytes` written to a file; returns the typed error (the test fails on any other error).
    static func parseError(_ bytes: [UInt8], maxDepth: Int = 32, maxBoxes: Int = 250_000) throws -> BMFFError? {
        let dir = try TemporaryDirectory()
        let url = try dir.write("hostile.mp4", bytes)
        do {
            _ = try BoxTree.parse(try FileByteSource(path: url.path), maxDepth: maxDepth, maxBoxes: maxBoxes)
            return nil
        } catch let e as BMFFError {
            #expect(e.location.path == url.path)
            #expect(e.location.offset != nil)
            return e
        }
    }

    @Test func zeroLengthFile() throws {
        let e = try Self.parseError([])
        #expect(e?.code == .truncated)
        #expect(e?.location.offset == 0)
    }

    @Test func boxClaimingTwoToTheSixtyThreeBytes() throws {
        let claim: [UInt8] = [0, 0, 0, 1] + Array("mdat".utf8) + [0x80, 0, 0, 0, 0, 0, 0, 0]
        let e = try Self.parseError(Self.ftyp + claim + [1, 2, 3])
        #expect(e?.code == .invalidBoxSize)
        #expect(e?.location.offset == Int64(Self.ftyp.count))
        let justUnder: [UInt8] = [0, 0, 0, 1] + Array("mdat".utf8) + [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(try Self.parseError(Self.ftyp + justUnder)?.code == .truncated)
    }

    @Test func sizeSmallerThanHeader() throws {
        for size: UInt8 in [2, 4, 7] {
            let e = try Self.parseError(Self.ftyp + [0, 0, 0, size] + Array("free".utf8) + [0, 0, 0, 0])
            #expect(e?.code == .invalidBoxSize)
            #expect(e?.location.offset == Int64(Self.ftyp.count))
        }
        // A uuid box whose size covers the 8-byte header but not its user type.
        let e = try Self.parseError(
            Self.ftyp + [0, 0, 0, 12] + Array("uuid".utf8) + [1, 2, 3, 4] + [UInt8](repeating: 0, count: 16))
        #expect(e?.code == .invalidBoxSize)
    }

    @Test func childLargerThanParent() throws {
        let child: [UInt8] = [0, 0, 0, 100] + Array("trak".utf8)
        let moov = [0, 0, 0, 16] + Array("moov".utf8) + child
        let e = try Self.parseError(Self.ftyp + moov)
        #expect(e?.code == .boxExceedsParent)
        #expect(e?.location.offset == Int64(Self.ftyp.count + 8))
    }

    @Test func thousandDeepNesting() throws {
        var box: [UInt8] = BoxBuilder.box("free", [])
        for _ in 0..<1000 { box = BoxBuilder.box("moov", box) }
        let e = try Self.parseError(Self.ftyp + box)
        #expect(e?.code == .nestingTooDeep)
        // A huge requested limit is clamped, so this is still an error and not a stack overflow.
        #expect(try Self.parseError(Self.ftyp + box, maxDepth: 100_000)?.code == .nestingTooDeep)
        // 31 levels below the top are fine at the default limit of 32.
        var ok: [UInt8] = BoxBuilder.box("free", [])
        for _ in 0..<31 { ok = BoxBuilder.box("moov", ok) }
        #expect(try Self.parseError(Self.ftyp + ok) == nil)
    }

    @Test func boxCountCap() throws {
        let frees = (0..<100).flatMap { _ in BoxBuilder.box("free", []) }
        #expect(try Self.parseError(Self.ftyp + frees, maxBoxes: 50)?.code == .tooManyBoxes)
        #expect(try Self.parseError(Self.ftyp + frees, maxBoxes: 101) == nil)
    }

    @Test func truncatedAtManyPoints() throws {
        for name in ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4"] {
            let all = try Helpers.bytes(try TestFixtures.generated(name))
            let dir = try TemporaryDirectory()
            var cuts = Array(stride(from: 1, to: all.count, by: max(1, all.count / 97)))
            cuts += [1, 7, 8, 31, 32, 33, 39, 40, 41, all.count - 1]
            var typedErrors = 0
            for cut in cuts {
                let url = try dir.write("cut.mp4", Array(all[0..<cut]))
                let src = try FileByteSource(path: url.path)
                do {
                    let tree = try BoxTree.parse(src)
                    // Cut exactly at a box boundary: structurally fine, but the tables must be checked.
                    #expect(tree.boxes.last?.end == Int64(cut))
                    try tree.checkOffsetTables(in: src)
                    _ = try BoxEditor(source: src, tree: tree).apply(
                        [.insert(Helpers.thousandByteUUIDBox())],
                        to: dir.path("out.mp4").path)
                } catch let e as BMFFError {
                    typedErrors += 1
                    #expect(e.location.path == url.path)
                    #expect((e.location.offset ?? -1) >= 0 && (e.location.offset ?? .max) <= Int64(cut))
                }
            }
            #expect(typedErrors >= cuts.count - 3)
        }
    }

    @Test func randomBytes() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 7, 8, 16, 100, 4096, 65536] {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do {
                _ = try BoxTree.parse(MemoryByteSource(bytes, name: "random"))
            } catch let e as BMFFError {
                #expect(e.location.path == "random")
            }
        }
    }

    /// The fixture with its first `stco` entry (or its entry count) overwritten.
    static func corruptedStco(entryCount: UInt32? = nil, firstOffset: UInt32? = nil) throws -> (
        URL, Int64, TemporaryDirectory
    ) {
        let input = try TestFixtures.generated("h264_aac.mp4")
        var bytes = try Helpers.bytes(input)
        let tree = try BoxTree.parse(MemoryByteSource(bytes))
        let stco = try #require(tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "stco"]).first)
        let p = Int(stco.payloadOffset)
        if let entryCount {
            bytes.replaceSubrange(
                (p + 4)..<(p + 8),
                with: [
                    UInt8(entryCount >> 24), UInt8((entryCount >> 16) & 0xFF), UInt8((entryCount >> 8) & 0xFF),
                    UInt8(entryCount & 0xFF),
                ])
        }
        if let firstOffset {
            bytes.replaceSubrange(
                (p + 8)..<(p + 12),
                with: [
                    UInt8(firstOffset >> 24), UInt8((firstOffset >> 16) & 0xFF), UInt8((firstOffset >> 8) & 0xFF),
                    UInt8(firstOffset & 0xFF),
                ])
        }
        let dir = try TemporaryDirectory()
        return (try dir.write("corrupt.mp4", bytes), stco.payloadOffset, dir)
    }

    @Test func stcoPointingPastTheEnd() throws {
        let (url, payload, dir) = try Self.corruptedStco(firstOffset: 0xFFFF_FF00)
        let src = try FileByteSource(path: url.path)
        let tree = try BoxTree.parse(src)
        let check = #expect(throws: BMFFError.self) { try tree.checkOffsetTables(in: src) }
        #expect(check?.code == .offsetOutOfRange)
        #expect(check?.location == InputLocation(path: url.path, offset: payload + 8))
        let out = dir.path("out.mp4").path
        let e = #expect(throws: BMFFError.self) {
            _ = try BoxEditor(source: src, tree: tree).apply([.insert(Helpers.thousandByteUUIDBox())], to: out)
        }
        #expect(e?.code == .offsetOutOfRange)
        #expect(e?.location == InputLocation(path: url.path, offset: payload + 8))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["corrupt.mp4"])
    }

    @Test func samplesRunningPastTheEndOfAShortenedMdat() throws {
        // Faststart (ftyp moov free mdat): shrink mdat and cut the file by the same amount. The box
        // tree is consistent and every chunk offset still lies inside the file, but the last
        // chunks' samples (from stsc + stsz) run past its end.
        var bytes = try Helpers.bytes(try TestFixtures.generated("h264_faststart.mp4"))
        let tree = try BoxTree.parse(MemoryByteSource(bytes))
        let mdat = try #require(tree.first("mdat"))
        #expect(mdat.end == Int64(bytes.count) && mdat.headerSize == 8)
        let cut = 10
        let newSize = UInt32(mdat.size) - UInt32(cut)
        bytes.replaceSubrange(Int(mdat.offset)..<Int(mdat.offset) + 4, with: BE4.u32(newSize))
        bytes.removeLast(cut)
        let dir = try TemporaryDirectory()
        let url = try dir.write("short.mp4", bytes)
        let src = try FileByteSource(path: url.path)
        let shortTree = try BoxTree.parse(src)
        try shortTree.checkOffsetTables(in: src)  // offsets alone look fine
        let e = #expect(throws: BMFFError.self) { try shortTree.checkChunkRanges(in: src) }
        #expect(e?.code == .offsetOutOfRange)
        #expect(e?.location.path == url.path)
        let stcos = shortTree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "stco"])
        #expect(stcos.contains { $0.payloadRange.contains(e?.location.offset ?? -1) })
    }

    @Test func inconsistentSampleTables() throws {
        // stsc referencing more samples than stsz has.
        let stsc = BoxBuilder.fullBox("stsc", version: 0, flags: 0, BE4.u32(1) + BE4.u32(1) + BE4.u32(5) + BE4.u32(1))
        let stsz = BoxBuilder.fullBox("stsz", version: 0, flags: 0, BE4.u32(0) + BE4.u32(2) + BE4.u32(1) + BE4.u32(1))
        let stco = BoxBuilder.fullBox("stco", version: 0, flags: 0, BE4.u32(1) + BE4.u32(0))
        let moov = BoxBuilder.container(
            "moov",
            [
                BoxBuilder.container(
                    "trak",
                    [
                        BoxBuilder.container(
                            "mdia", [BoxBuilder.container("minf", [BoxBuilder.container("stbl", [stsc, stsz, stco])])])
                    ])
            ])
        let src = MemoryByteSource(Self.ftyp + moov, name: "tables.mp4")
        let e = #expect(throws: BMFFError.self) { try BoxTree.parse(src).checkChunkRanges(in: src) }
        #expect(e?.code == .invalidTable)
        // A sample count far larger than the stsz box is caught before any allocation.
        let huge = BoxBuilder.fullBox("stsz", version: 0, flags: 0, BE4.u32(0) + BE4.u32(0xFFFF_FFFF))
        let moov2 = BoxBuilder.container(
            "moov",
            [
                BoxBuilder.container(
                    "trak",
                    [
                        BoxBuilder.container(
                            "mdia", [BoxBuilder.container("minf", [BoxBuilder.container("stbl", [stsc, huge, stco])])])
                    ])
            ])
        let src2 = MemoryByteSource(Self.ftyp + moov2, name: "huge.mp4")
        let e2 = #expect(throws: BMFFError.self) { try BoxTree.parse(src2).checkChunkRanges(in: src2) }
        #expect(e2?.code == .invalidTable)
    }

    @Test func entryCountTooLargeForItsBox() throws {
        let (url, payload, dir) = try Self.corruptedStco(entryCount: 0xFFFF_FFFF)
        let src = try FileByteSource(path: url.path)
        let tree = try BoxTree.parse(src)
        let stco = try #require(tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "stco"]).first)
        let e = #expect(throws: BMFFError.self) { _ = try ChunkOffsetTable(box: stco, in: src) }
        #expect(e?.code == .invalidTable)
        #expect(e?.location == InputLocation(path: url.path, offset: payload + 8))
        let apply = #expect(throws: BMFFError.self) {
            _ = try BoxEditor(source: src, tree: tree).apply(
                [.insert(Helpers.thousandByteUUIDBox())],
                to: dir.path("o.mp4").path)
        }
        #expect(apply?.code == .invalidTable)
    }

    @Test func otherTablesWithBadCounts() throws {
        let bad = BE4.u32(0xFFFF_FFF0)
        let cases: [(String, () throws -> Void)] = [
            (
                "tfra",
                {
                    _ = try TrackFragmentRandomAccess(
                        payload: [1, 0, 0, 0] + BE4.u32(1) + BE4.u32(0x3F) + bad, base: 0)
                }
            ),
            ("saio", { _ = try SampleAuxiliaryOffsets(payload: [0, 0, 0, 0] + bad, base: 0) }),
            ("iloc", { _ = try ItemLocationTable(payload: [1, 0, 0, 0, 0x44, 0x40, 0xFF, 0xFF], base: 0) }),
            ("iloc sizes", { _ = try ItemLocationTable(payload: [1, 0, 0, 0, 0x33, 0x00, 0, 0], base: 0) }),
            ("tfhd", { _ = try TrackFragmentHeader(payload: [0, 0, 0, 1] + BE4.u32(1) + [0, 0], base: 0) }),
        ]
        for (name, parse) in cases {
            let e = #expect(throws: BMFFError.self, "\(name)") { try parse() }
            #expect(e?.code == .invalidTable, "\(name)")
        }
    }

    @Test func fileThatShrinksAfterOpen() throws {
        let dir = try TemporaryDirectory()
        let url = try dir.write("shrink.mp4", [UInt8](repeating: 1, count: 4096))
        let src = try FileByteSource(path: url.path)
        let h = try FileHandle(forWritingTo: url)
        try h.truncate(atOffset: 100)
        try h.close()
        let e = #expect(throws: BMFFError.self) { _ = try src.read(at: 50, count: 200) }
        #expect(e?.code == .truncated)
        #expect(e?.location == InputLocation(path: url.path, offset: 100))
    }

    @Test func c2paBoxes() throws {
        let store = [UInt8](repeating: 0x6A, count: 300)
        let manifest = C2PAManifestBox.build(data: store)
        let file = Self.ftyp + manifest + BoxBuilder.box("mdat", [1, 2, 3])
        let src = MemoryByteSource(file, name: "c2pa.mp4")
        let tree = try BoxTree.parse(src)
        let found = try #require(try C2PAManifestBox.find(in: tree, source: src))
        #expect(found.purpose == "manifest" && found.auxiliaryOffset == 0)
        #expect(found.box.offset == Int64(Self.ftyp.count))
        #expect(found.dataRange == (found.box.end - 300)..<found.box.end)
        // Same header bytes as c2pa-rs (size, 'uuid', user type, version/flags, "manifest\0", u64 0).
        #expect(
            Array(manifest[24..<45]) == [0, 0, 0, 0] + Array("manifest".utf8) + [0] + [UInt8](repeating: 0, count: 8))

        let two = Self.ftyp + manifest + manifest
        let twoSrc = MemoryByteSource(two, name: "two.mp4")
        let e = #expect(throws: BMFFError.self) {
            _ = try C2PAManifestBox.find(in: try BoxTree.parse(twoSrc), source: twoSrc)
        }
        #expect(e?.code == .duplicateManifest)
        #expect(e?.location == InputLocation(path: "two.mp4", offset: Int64(Self.ftyp.count + manifest.count)))

        let noNul = BoxBuilder.uuidBox(
            userType: KnownBoxes.c2paUUID, [0, 0, 0, 0] + [UInt8](repeating: 0x41, count: 100))
        let badSrc = MemoryByteSource(Self.ftyp + noNul, name: "bad.mp4")
        let bad = #expect(throws: BMFFError.self) {
            _ = try C2PAManifestBox.find(in: try BoxTree.parse(badSrc), source: badSrc)
        }
        #expect(bad?.code == .invalidManifestBox)
        let noOffset = BoxBuilder.uuidBox(
            userType: KnownBoxes.c2paUUID, [0, 0, 0, 0] + Array("manifest".utf8) + [0, 1])
        let shortSrc = MemoryByteSource(Self.ftyp + noOffset)
        #expect(throws: BMFFError.self) {
            _ = try C2PAManifestBox.find(in: try BoxTree.parse(shortSrc), source: shortSrc)
        }
    }
}

/// Big-endian helpers for building hostile payloads.
enum BE4 {
    static func u32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}

@Suite struct MutationTests {
    /// Random byte mutations of real files through every reader and the editor: each either works
    /// or throws a `BMFFError` (any other error fails the test; a crash or hang fails the run).
    @Test(arguments: ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov"])
    func mutatedFilesGiveTypedErrorsOnly(name: String) throws {
        let original = try Helpers.bytes(try TestFixtures.generated(name))
        let tree = try BoxTree.parse(MemoryByteSource(original))
        // Mutate header-dense regions: everything outside mdat payloads.
        let dense = tree.boxes.filter { $0.type != "mdat" }.map(\.range)
        let dir = try TemporaryDirectory()
        var rng = SystemRandomNumberGenerator()
        for i in 0..<150 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let r = dense.randomElement(using: &rng)!
                let at = Int(Int64.random(in: r, using: &rng))
                bytes[at] = i % 3 == 0 ? 0xFF : UInt8.random(in: 0...255, using: &rng)
            }
            let url = try dir.write("m.mp4", bytes)
            do {
                let src = try FileByteSource(path: url.path)
                let t = try BoxTree.parse(src)
                try t.checkOffsetTables(in: src)
                _ = try MP4Metadata.read(from: src, tree: t)
                _ = try C2PAManifestBox.find(in: t, source: src)
                _ = try XMPPacket.all(in: t, source: src)
                let edit = try MP4Metadata.settingEntry("AIGC", to: "{}", source: src, tree: t)
                _ = try BoxEditor(source: src, tree: t).apply(
                    [edit, .insert(Helpers.thousandByteUUIDBox())],
                    to: dir.path("o.mp4").path)
            } catch let e as BMFFError {
                #expect(e.location.path != nil)
            }
        }
    }
}

import AssayBMFF
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite struct BoxEditorTests {
    static let clips = ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov"]

    /// Every chunk offset, fragment base offset and tfra moof offset in a file.
    static func absoluteOffsets(_ path: String) throws -> (stco: [UInt64], tfra: [UInt64], tree: BoxTree) {
        let src = try FileByteSource(path: path)
        let tree = try BoxTree.parse(src)
        var stco: [UInt64] = []
        for b in tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "stco"])
            + tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "co64"])
        {
            stco += try ChunkOffsetTable(box: b, in: src).offsets
        }
        var tfra: [UInt64] = []
        for b in tree.boxes(atPath: ["mfra", "tfra"]) {
            tfra += try TrackFragmentRandomAccess(box: b, in: src).entries.map(\.moofOffset)
        }
        return (stco, tfra, tree)
    }

    @Test(arguments: clips)
    func insertAfterFtypDecodesIdenticallyAndRemovesBackToTheOriginal(name: String) throws {
        let input = try TestFixtures.generated(name)
        let dir = try TemporaryDirectory()
        let out = dir.path("inserted-\(name)").path
        let back = dir.path("removed-\(name)").path
        let original = try Helpers.bytes(input)
        let box = Helpers.thousandByteUUIDBox()

        let editor = try BoxEditor(source: try FileByteSource(path: input.path))
        let pending = try editor.apply([.insert(box)], to: out)
        #expect(!FileManager.default.fileExists(atPath: out))  // nothing visible before commit
        #expect(pending.layout.ranges(ofEdit: 0) == [32..<1032] || pending.layout.ranges(ofEdit: 0).count == 1)
        try pending.commit()

        let before = try Self.absoluteOffsets(input.path)
        let after = try Self.absoluteOffsets(out)
        let ftypEnd = try #require(before.tree.first("ftyp")).end
        if name == "h264_fragmented.mp4" {
            #expect(before.tfra.count >= 2)  // one entry per keyframe fragment
        } else {
            #expect(before.stco.count >= 2)
        }
        #expect(pending.layout.ranges(ofEdit: 0) == [ftypEnd..<(ftypEnd + 1000)])
        #expect(after.tree.boxes[1].type == "uuid" && after.tree.boxes[1].offset == ftypEnd)
        #expect(after.tree.sourceSize == before.tree.sourceSize + 1000)
        #expect(after.stco == before.stco.map { $0 + 1000 })
        #expect(after.tfra == before.tfra.map { $0 + 1000 })
        let moofOffsets = Set(after.tree.boxes.filter { $0.type == "moof" }.map { UInt64($0.offset) })
        for o in after.tfra { #expect(moofOffsets.contains(o)) }

        let (status, errors) = try Helpers.decodeErrors(out)
        #expect(status == 0 && errors.isEmpty, "ffmpeg: \(errors)")
        #expect(try Helpers.frameMD5(out) == Helpers.frameMD5(input.path))
        #expect(try Helpers.bytes(input) == original)  // input untouched

        let inserted = try #require(after.tree.boxes.first { $0.type == "uuid" })
        let remover = try BoxEditor(source: try FileByteSource(path: out))
        try remover.apply([.remove(inserted)], to: back).commit()
        #expect(try Helpers.bytes(URL(fileURLWithPath: back)) == original)
    }

    @Test func growingMoovBeforeMdatShiftsChunkOffsets() throws {
        let input = try TestFixtures.generated("h264_faststart.mp4")
        let dir = try TemporaryDirectory()
        let src = try FileByteSource(path: input.path)
        let tree = try BoxTree.parse(src)
        let moov = try #require(tree.first("moov"))
        // Rebuild moov with a 500-byte `free` child appended; its stco still holds input offsets.
        let body = try src.read(at: moov.payloadOffset, count: Int(moov.payloadSize))
        let bigger = BoxBuilder.box("moov", body + BoxBuilder.box("free", [UInt8](repeating: 0, count: 492)))
        let out = dir.path("grown.mp4").path
        let pending = try BoxEditor(source: src, tree: tree).apply([.replace(moov, with: bigger)], to: out)
        #expect(pending.layout.ranges(ofEdit: 0) == [moov.offset..<(moov.offset + moov.size + 500)])
        try pending.commit()
        let before = try Self.absoluteOffsets(input.path)
        let after = try Self.absoluteOffsets(out)
        #expect(after.stco == before.stco.map { $0 + 500 })
        let (status, errors) = try Helpers.decodeErrors(out)
        #expect(status == 0 && errors.isEmpty, "ffmpeg: \(errors)")
        #expect(try Helpers.frameMD5(out) == Helpers.frameMD5(input.path))
    }

    @Test func insertReplaceAndRemoveTogether() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")  // ftyp free mdat moov
        let src = try FileByteSource(path: input.path)
        let tree = try BoxTree.parse(src)
        let free = try #require(tree.first("free"))
        let dir = try TemporaryDirectory()
        let out = dir.path("multi.mp4").path
        let skip = BoxBuilder.box("skip", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])  // 20 bytes replaces 8
        let tail = BoxBuilder.box("free", [0, 0])
        let pending = try BoxEditor(source: src, tree: tree)
            .apply(
                [.insert(Helpers.thousandByteUUIDBox()), .replace(free, with: skip), .insert(tail, at: .end)], to: out)
        #expect(pending.layout.entries.map(\.type.description) == ["ftyp", "uuid", "skip", "mdat", "moov", "free"])
        #expect(pending.layout.ranges(ofEdit: 2) == [(pending.layout.size - 10)..<pending.layout.size])
        // Patch the inserted box in place before commit, as the C2PA signer does.
        let slot = pending.layout.ranges(ofEdit: 0)[0]
        try pending.writer.write([0xEE, 0xEE], at: slot.lowerBound + 100)
        let digest = try SHA256Hasher.digest(source: pending.openOutput())
        try pending.commit()
        #expect(SHA256Hasher.digest(try Helpers.bytes(URL(fileURLWithPath: out))) == digest)
        let after = try Self.absoluteOffsets(out)
        #expect(after.stco == (try Self.absoluteOffsets(input.path)).stco.map { $0 + 1012 })
        #expect(try Helpers.frameMD5(out) == Helpers.frameMD5(input.path))

        let moovCopied = try #require(pending.layout.entries.first { $0.type == "moov" })
        #expect(moovCopied.origin == .copied(from: tree.first("moov")!.offset))
    }

    @Test func invalidEditsAreTypedErrorsAndLeaveNoFile() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")
        let src = try FileByteSource(path: input.path)
        let editor = try BoxEditor(source: src)
        let dir = try TemporaryDirectory()
        let out = dir.path("x.mp4").path
        let notTop = try #require(editor.tree.boxes(atPath: ["moov", "trak"]).first)
        let moov = try #require(editor.tree.first("moov"))
        let cases: [[BoxEdit]] = [
            [.remove(notTop)],
            [.remove(moov), .replace(moov, with: BoxBuilder.box("free", []))],
            [.insert([0, 0, 0, 9, 0x66, 0x72, 0x65, 0x65])],  // size 9, only 8 bytes
            [.insert([])],
            [.insert(BoxBuilder.box("free", []), at: .beforeIndex(99))],
            // Removing mdat leaves stco pointing nowhere.
            [.remove(try #require(editor.tree.first("mdat")))],
        ]
        for edits in cases {
            let e = #expect(throws: BMFFError.self) { _ = try editor.apply(edits, to: out) }
            #expect(e != nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
        }
        // Writing over the input (here through a symlink) is refused; the input is unchanged.
        let copy = try dir.write("copy.mp4", try Helpers.bytes(input))
        let link = dir.path("link.mp4").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: copy.path)
        let copyEditor = try BoxEditor(source: try FileByteSource(path: copy.path))
        let same = #expect(throws: BMFFError.self) {
            _ = try copyEditor.apply([.insert(Helpers.thousandByteUUIDBox())], to: link)
        }
        #expect(same?.code == .invalidEdit)
        #expect(try Helpers.bytes(copy) == Helpers.bytes(input))
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.removeItem(at: copy)
        let e = #expect(throws: BMFFError.self) { _ = try editor.apply([.remove(editor.tree.first("mdat")!)], to: out) }
        #expect(e?.code == .offsetOutOfRange)
        #expect(e?.location.path == input.path)
    }
}

@Suite struct AllFixturesTests {
    static let names = [
        "generated/h264_aac.mp4", "generated/h264_faststart.mp4", "generated/h264_fragmented.mp4",
        "generated/h264_aac.mov", "generated/odd_size.mp4", "generated/yuv444.mp4", "generated/yuv420p10.mp4",
        "generated/audio_only.m4a", "generated/vfr.mp4", "generated/single_frame.mp4", "generated/rotated.mp4",
        "generated/clip_720p.mp4", "bikes.mp4", "carphone.mp4", "bigbuckbunny.mp4",
    ]

    static func url(_ name: String) throws -> URL {
        if name.hasPrefix("generated/") { return try TestFixtures.generated(String(name.dropFirst(10))) }
        return TestFixtures.bundled(name)
    }

    /// Every BMFF fixture parses, passes the offset and chunk-range checks, reads its metadata, and survives an
    /// insert/remove round trip byte for byte, with every chunk offset moved by the inserted size.
    @Test(arguments: names)
    func roundTrip(name: String) throws {
        let input = try Self.url(name)
        let src = try FileByteSource(path: input.path)
        let tree = try BoxTree.parse(src)
        try tree.checkOffsetTables(in: src)
        try tree.checkChunkRanges(in: src)
        _ = try MP4Metadata.read(from: src, tree: tree)
        #expect(try ProvenanceScan.scan(src, tree: tree).manifestBox == nil)
        let dir = try TemporaryDirectory()
        let out = dir.path("in.mp4").path
        try BoxEditor(source: src, tree: tree).apply([.insert(Helpers.thousandByteUUIDBox())], to: out).commit()
        let before = try BoxEditorTests.absoluteOffsets(input.path)
        let after = try BoxEditorTests.absoluteOffsets(out)
        #expect(after.stco == before.stco.map { $0 + 1000 })
        #expect(after.tfra == before.tfra.map { $0 + 1000 })
        let outSrc = try FileByteSource(path: out)
        let outTree = try BoxTree.parse(outSrc)
        let (status, errors) = try Helpers.decodeErrors(out)
        #expect(status == 0 && errors.isEmpty, "ffmpeg: \(errors)")
        let back = dir.path("back.mp4").path
        let inserted = try #require(outTree.boxes.first { $0.type == "uuid" })
        try BoxEditor(source: outSrc, tree: outTree).apply([.remove(inserted)], to: back).commit()
        #expect(try Helpers.bytes(URL(fileURLWithPath: back)) == Helpers.bytes(input))
    }
}

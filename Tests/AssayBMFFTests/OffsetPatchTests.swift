import AssayBMFF
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Offset patching on hand-built files for the tables the ffmpeg fixtures do not contain
/// (co64, saio, tfhd base_data_offset, iloc), and the limits of patching.
@Suite struct OffsetPatchTests {
    static let ftyp = BoxBuilder.box("ftyp", Array("isom".utf8) + [0, 0, 2, 0])

    static func u32(_ v: UInt32) -> [UInt8] { BE4.u32(v) }
    static func u64(_ v: UInt64) -> [UInt8] { u32(UInt32(v >> 32)) + u32(UInt32(v & 0xFFFF_FFFF)) }

    /// Applies `edits` (built from the parsed input) and returns the output's bytes and tree.
    static func edit(_ file: [UInt8], _ edits: (BoxTree) throws -> [BoxEdit]) throws -> ([UInt8], BoxTree) {
        let dir = try TemporaryDirectory()
        let input = try dir.write("in.mp4", file)
        let src = try FileByteSource(path: input.path)
        let tree = try BoxTree.parse(src)
        let out = dir.path("out.mp4").path
        try BoxEditor(source: src, tree: tree).apply(try edits(tree), to: out).commit()
        let bytes = try Helpers.bytes(URL(fileURLWithPath: out))
        #expect(try Helpers.bytes(input) == file)  // input untouched
        return (bytes, try BoxTree.parse(MemoryByteSource(bytes)))
    }

    /// moov with one track whose stbl has `tables`, followed by an mdat with `payload`.
    static func movie(stbl tables: [[UInt8]], mdat payload: [UInt8]) -> (moov: [UInt8], mdatPayloadOffset: Int) {
        let stbl = BoxBuilder.container("stbl", tables)
        let moov = BoxBuilder.container(
            "moov",
            [
                BoxBuilder.container("trak", [BoxBuilder.container("mdia", [BoxBuilder.container("minf", [stbl])])])
            ])
        return (moov, ftyp.count + moov.count + 8)
    }

    @Test func co64AndSaioUnderStblFollowTheirData() throws {
        // Offsets are computed for the layout ftyp moov mdat; tables have fixed sizes so build twice.
        func file(_ base: Int) -> [UInt8] {
            let co64 = BoxBuilder.fullBox(
                "co64", version: 0, flags: 0, Self.u32(2) + Self.u64(UInt64(base)) + Self.u64(UInt64(base + 10)))
            let saio = BoxBuilder.fullBox("saio", version: 1, flags: 0, Self.u32(1) + Self.u64(UInt64(base + 20)))
            let saio0 = BoxBuilder.fullBox(
                "saio", version: 0, flags: 1, Self.u32(0) + Self.u32(0) + Self.u32(1) + Self.u32(UInt32(base + 30)))
            let (moov, _) = Self.movie(stbl: [co64, saio, saio0], mdat: [])
            return Self.ftyp + moov + BoxBuilder.box("mdat", [UInt8](repeating: 7, count: 40))
        }
        let probe = Self.movie(
            stbl: [
                BoxBuilder.fullBox("co64", version: 0, flags: 0, [UInt8](repeating: 0, count: 20)),
                BoxBuilder.fullBox("saio", version: 1, flags: 0, [UInt8](repeating: 0, count: 12)),
                BoxBuilder.fullBox("saio", version: 0, flags: 1, [UInt8](repeating: 0, count: 16)),
            ], mdat: [])
        let input = file(probe.mdatPayloadOffset)
        let (out, tree) = try Self.edit(input) { _ in [.insert(Helpers.thousandByteUUIDBox())] }
        let src = MemoryByteSource(out)
        let co64 = try ChunkOffsetTable(
            box: try #require(tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "co64"]).first), in: src)
        let base = UInt64(probe.mdatPayloadOffset + 1000)
        #expect(co64.is64Bit && co64.offsets == [base, base + 10])
        let saios = tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "saio"])
        #expect(try saios.map { try SampleAuxiliaryOffsets(box: $0, in: src).offsets } == [[base + 20], [base + 30]])
        // And the data they point to really is the mdat payload.
        #expect(out[Int(base)] == 7 && out[Int(base) - 1] == UInt8(ascii: "t"))
    }

    @Test func tfhdBaseDataOffsetAndTrafSaioRelativeOffsets() throws {
        func file(_ moofAt: Int) -> [UInt8] {
            let tfhd = BoxBuilder.fullBox("tfhd", version: 0, flags: 1, Self.u32(1) + Self.u64(UInt64(moofAt)))
            // saio in traf is relative to the base offset: it must NOT be patched.
            let saio = BoxBuilder.fullBox("saio", version: 0, flags: 0, Self.u32(1) + Self.u32(5))
            let moof = BoxBuilder.container("moof", [BoxBuilder.container("traf", [tfhd, saio])])
            return Self.ftyp + moof + BoxBuilder.box("mdat", [1, 2, 3])
        }
        let input = file(Self.ftyp.count)
        let (out, tree) = try Self.edit(input) { _ in [.insert(Helpers.thousandByteUUIDBox())] }
        let src = MemoryByteSource(out)
        let tfhd = try TrackFragmentHeader(
            box: try #require(tree.boxes(atPath: ["moof", "traf", "tfhd"]).first), in: src)
        #expect(tfhd.baseDataOffset == UInt64(Self.ftyp.count + 1000))
        #expect(tfhd.trackID == 1)
        let saio = try SampleAuxiliaryOffsets(
            box: try #require(tree.boxes(atPath: ["moof", "traf", "saio"]).first), in: src)
        #expect(saio.offsets == [5])
    }

    @Test func ilocFileOffsetsWithAndWithoutBase() throws {
        // HEIF-like: ftyp meta(hdlr, iloc) mdat. Item 1: base 4 bytes + 2 extents; item 2: no-base
        // style is exercised by version 0 below; item 3 is in idat (construction method 1): untouched.
        func file(_ dataAt: Int, version: UInt8) -> [UInt8] {
            var payload: [UInt8] = [0x44, version == 0 ? 0x00 : 0x40]  // offset 4, length 4; base 4 (v1) / 0 (v0)
            payload += [0, version == 0 ? 1 : 2]  // item_count
            if version == 0 {
                payload += [0, 1] + [0, 0] + [0, 1] + Self.u32(UInt32(dataAt + 2)) + Self.u32(3)
            } else {
                payload +=
                    [0, 1] + [0, 0] + [0, 0] + Self.u32(UInt32(dataAt)) + [0, 2]
                    + Self.u32(0) + Self.u32(2) + Self.u32(4) + Self.u32(3)
                payload += [0, 3] + [0, 1] + [0, 0] + Self.u32(0) + [0, 1] + Self.u32(0) + Self.u32(1)
            }
            let iloc = BoxBuilder.fullBox("iloc", version: version, flags: 0, payload)
            let hdlr = BoxBuilder.fullBox(
                "hdlr", version: 0, flags: 0, Self.u32(0) + Array("pict".utf8) + [UInt8](repeating: 0, count: 13))
            let meta = BoxBuilder.fullBox("meta", version: 0, flags: 0, hdlr + iloc)
            return Self.ftyp + meta + BoxBuilder.box("mdat", [10, 11, 12, 13, 14, 15, 16])
        }
        for version: UInt8 in [0, 1] {
            let metaSize = file(0, version: version).count - Self.ftyp.count - 15
            let dataAt = Self.ftyp.count + metaSize + 8
            let (out, tree) = try Self.edit(file(dataAt, version: version)) { _ in
                [.insert(Helpers.thousandByteUUIDBox())]
            }
            let iloc = try ItemLocationTable(
                box: try #require(tree.boxes(atPath: ["meta", "iloc"]).first), in: MemoryByteSource(out))
            let newAt = UInt64(dataAt + 1000)
            if version == 0 {
                #expect(iloc.items.first?.extents.first?.offset == newAt + 2)
                #expect(out[Int(newAt + 2)] == 12)
            } else {
                #expect(iloc.items[0].baseOffset == newAt)
                #expect(iloc.items[0].extents.map(\.offset) == [0, 4])
                #expect(iloc.items[1].constructionMethod == 1 && iloc.items[1].baseOffset == 0)
                #expect(iloc.items[1].extents.map(\.offset) == [0])
                #expect(out[Int(newAt + 4)] == 14)
            }
        }
    }

    @Test func stcoThatWouldPassFourGiBIsAnOverflowError() throws {
        // A 32-bit stco entry just under 4 GiB cannot move up by 1000 bytes. Use a sparse file so the
        // data really exists at that offset.
        let dir = try TemporaryDirectory()
        let url = dir.path("sparse.mp4")
        let target: UInt32 = 0xFFFF_FF00
        let (moov, _) = Self.movie(
            stbl: [BoxBuilder.fullBox("stco", version: 0, flags: 0, Self.u32(1) + Self.u32(target))], mdat: [])
        let head = Self.ftyp + moov
        let mdatSize = UInt64(target) + 4096 - UInt64(head.count)
        let bytes = head + [0, 0, 0, 1] + Array("mdat".utf8) + Self.u64(mdatSize)
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        let h = try FileHandle(forWritingTo: url)
        try h.truncate(atOffset: UInt64(head.count) + mdatSize)  // sparse
        try h.close()
        let src = try FileByteSource(path: url.path)
        let tree = try BoxTree.parse(src)
        try tree.checkOffsetTables(in: src)
        let e = #expect(throws: BMFFError.self) {
            _ = try BoxEditor(source: src, tree: tree).apply(
                [.insert(Helpers.thousandByteUUIDBox())], to: dir.path("o.mp4").path)
        }
        #expect(e?.code == .offsetOverflow)
        #expect(e?.location.path == url.path)
    }

    @Test func largeCopiesAndSizeZeroLastBox() throws {
        // 3 MiB + 5 of mdat payload with size 0 ("to end of file"): exercises the sendfile path.
        var rng = SystemRandomNumberGenerator()
        let payload = (0..<(3 << 20) + 5).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let file = Self.ftyp + BoxBuilder.box("free", [1]) + [0, 0, 0, 0] + Array("mdat".utf8) + payload
        let box = Helpers.thousandByteUUIDBox()
        let (out, tree) = try Self.edit(file) { _ in [.insert(box)] }
        #expect(out == Self.ftyp + box + Array(file[Self.ftyp.count...]))
        #expect(tree.boxes.last?.type == "mdat" && tree.boxes.last?.end == Int64(out.count))
        // Nothing may follow a size-0 box.
        let dir = try TemporaryDirectory()
        let input = try dir.write("in.mp4", file)
        let src = try FileByteSource(path: input.path)
        let e = #expect(throws: BMFFError.self) {
            _ = try BoxEditor(source: src).apply([.insert(box, at: .end)], to: dir.path("o.mp4").path)
        }
        #expect(e?.code == .invalidEdit)
    }

    @Test func layoutMapsInputOffsets() throws {
        let file = Self.ftyp + BoxBuilder.box("free", [1, 2]) + BoxBuilder.box("mdat", [3, 4, 5])
        let src = MemoryByteSource(file)
        let editor = try BoxEditor(source: src)
        let free = try #require(editor.tree.first("free"))
        let layout = try editor.layout(for: [.insert(BoxBuilder.box("skip", [0]), at: .afterFileType), .remove(free)])
        #expect(layout.entries.map(\.type) == ["ftyp", "skip", "mdat"])
        #expect(layout.outputOffset(forInputOffset: 0) == 0)
        #expect(layout.outputOffset(forInputOffset: free.offset) == nil)  // removed
        let mdatIn = Int64(Self.ftyp.count + 10)
        #expect(layout.outputOffset(forInputOffset: mdatIn + 8) == Int64(Self.ftyp.count + 9 + 8))
        #expect(layout.size == Int64(file.count - 10 + 9))
        #expect(layout.outputOffset(forInputOffset: Int64(file.count)) == layout.size)  // end of input
        #expect(layout.outputOffset(forInputOffset: Int64(file.count) + 1) == nil)
    }
}

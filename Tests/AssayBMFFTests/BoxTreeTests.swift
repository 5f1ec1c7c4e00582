import AssayBMFF
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite struct BoxTreeTests {
    @Test func fourCCLiteralsAndDescription() {
        let moov: FourCC = "moov"
        #expect(moov.rawValue == 0x6D6F_6F76)
        #expect(moov.bytes == Array("moov".utf8))
        #expect(moov.description == "moov")
        #expect(FourCC(string: "©too")?.bytes == [0xA9, 0x74, 0x6F, 0x6F])
        #expect(FourCC(rawValue: 1).description == "\\x00\\x00\\x00\\x01")
        #expect(FourCC(string: "toolong") == nil)
    }

    @Test func memorySourceReadsAreBounded() throws {
        let s = MemoryByteSource([1, 2, 3, 4], name: "mem")
        #expect(try s.read(at: 1, count: 2) == [2, 3])
        #expect(try s.read(at: 4, count: 0) == [])
        let error = #expect(throws: BMFFError.self) { _ = try s.read(at: 3, count: 2) }
        #expect(error?.code == .truncated)
        #expect(error?.location == InputLocation(path: "mem", offset: 3))
        #expect(throws: BMFFError.self) { _ = try s.read(at: -1, count: 1) }
    }

    @Test func fileSourceMatchesFileBytes() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let f = try FileByteSource(path: url.path)
        let all = try Helpers.bytes(url)
        #expect(f.size == Int64(all.count))
        #expect(try f.read(at: 100, count: 50) == Array(all[100..<150]))
        #expect(throws: BMFFError.self) { _ = try f.read(at: f.size - 2, count: 3) }
        let missing = #expect(throws: BMFFError.self) { _ = try FileByteSource(path: "/nonexistent/x.mp4") }
        #expect(missing?.code == .ioFailure)
        // Devices, FIFOs and folders are refused up front (a FIFO or /dev/zero could hang a reader).
        let dir = try TemporaryDirectory()
        let fifo = dir.path("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in ["/dev/zero", "/tmp", fifo] {
            let e = #expect(throws: BMFFError.self) { _ = try FileByteSource(path: path) }
            #expect(e?.code == .ioFailure)
            #expect(e?.location.path == path)
        }
    }

    @Test(arguments: ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov", "audio_only.m4a"])
    func parsesGeneratedFixtures(name: String) throws {
        let url = try TestFixtures.generated(name)
        let tree = try BoxTree.parse(try FileByteSource(path: url.path))
        #expect(tree.boxes.first?.type == "ftyp")
        #expect(tree.boxes.last?.end == tree.sourceSize)
        // Top-level boxes tile the file.
        for (a, b) in zip(tree.boxes, tree.boxes.dropFirst()) { #expect(a.end == b.offset) }
        #expect(tree.first("moov") != nil)
        #expect(!tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl"]).isEmpty)
        // Children start where the walker says and stay inside their parent.
        for (_, box) in tree.allBoxes() where !box.children.isEmpty {
            #expect(box.children.first?.offset == box.childrenOffset)
            #expect(box.children.last!.end <= box.end)
        }
    }

    @Test func layoutsOfFlatFaststartAndFragmented() throws {
        let flat = try BoxTree.parse(try FileByteSource(path: TestFixtures.generated("h264_aac.mp4").path))
        #expect(Helpers.types(flat.boxes) == ["ftyp", "free", "mdat", "moov"])
        let fast = try BoxTree.parse(try FileByteSource(path: TestFixtures.generated("h264_faststart.mp4").path))
        #expect(Helpers.types(fast.boxes) == ["ftyp", "moov", "free", "mdat"])
        let frag = try BoxTree.parse(try FileByteSource(path: TestFixtures.generated("h264_fragmented.mp4").path))
        #expect(frag.boxes.map(\.type).contains("moof"))
        #expect(frag.boxes.last?.type == "mfra")
        #expect(frag.boxes(atPath: ["mfra", "tfra"]).count >= 1)
        #expect(frag.boxes(atPath: ["moof", "traf", "tfhd"]).count >= 2)
    }

    @Test func readsChunkOffsetsThatPointIntoMdat() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let src = try FileByteSource(path: url.path)
        let tree = try BoxTree.parse(src)
        let mdat = try #require(tree.first("mdat"))
        let stcos = tree.boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl", "stco"])
        #expect(stcos.count == 2)  // video + audio
        for box in stcos {
            let table = try ChunkOffsetTable(box: box, in: src)
            #expect(!table.offsets.isEmpty)
            for o in table.offsets { #expect(mdat.payloadRange.contains(Int64(o))) }
        }
    }

    @Test func sizeZeroLargesizeAndUUIDHeaders() throws {
        let uuid = BoxBuilder.uuidBox(userType: Array(repeating: 7, count: 16), [1, 2, 3])
        let large: [UInt8] = [0, 0, 0, 1] + Array("free".utf8) + [0, 0, 0, 0, 0, 0, 0, 20] + [9, 9, 9, 9]
        let zero: [UInt8] = [0, 0, 0, 0] + Array("mdat".utf8) + [5, 5, 5]
        let file = BoxBuilder.box("ftyp", Array("isom".utf8) + [0, 0, 0, 0]) + uuid + large + zero
        let tree = try BoxTree.parse(MemoryByteSource(file))
        #expect(Helpers.types(tree.boxes) == ["ftyp", "uuid", "free", "mdat"])
        #expect(tree.boxes[1].headerSize == 24)
        #expect(tree.boxes[1].userType == Array(repeating: 7, count: 16))
        #expect(tree.boxes[2].headerSize == 16 && tree.boxes[2].size == 20)
        #expect(tree.boxes[3].size == 11 && tree.boxes[3].end == Int64(file.count))
    }

    @Test func isoAndQuickTimeMetaAreBothDescended() throws {
        let hdlrPayload: [UInt8] = [0, 0, 0, 0] + Array("mdta".utf8) + [UInt8](repeating: 0, count: 13)
        let hdlr = BoxBuilder.fullBox("hdlr", version: 0, flags: 0, hdlrPayload)
        let iso = BoxBuilder.fullBox("meta", version: 0, flags: 0, hdlr)
        let qt = BoxBuilder.box("meta", hdlr)
        for meta in [iso, qt] {
            let tree = try BoxTree.parse(MemoryByteSource(BoxBuilder.container("udta", [meta])))
            #expect(tree.boxes(atPath: ["udta", "meta", "hdlr"]).count == 1)
        }
    }
}

import AssayBMFF
import AssayTestSupport
import Foundation
import Testing

@Suite struct MP4MetadataTests {
    static let aigc = #"{"AIGC":{"Label":"1","ContentProducer":"assay-test","ProduceID":"00ff"}}"#

    /// ffprobe's view of the container tags.
    static func probeTags(_ path: String) throws -> [String: String] {
        let ffprobe = try #require(Subprocess.which("ffprobe"))
        let r = try Subprocess.run(ffprobe, ["-v", "error", "-show_entries", "format_tags", "-of", "json", path])
        #expect(r.status == 0)
        struct Probe: Decodable {
            struct Format: Decodable { var tags: [String: String]? }
            var format: Format
        }
        return try JSONDecoder().decode(Probe.self, from: r.stdout).format.tags ?? [:]
    }

    static func write(_ key: String, _ value: String, from input: String, to output: String) throws {
        let src = try FileByteSource(path: input)
        let tree = try BoxTree.parse(src)
        let edit = try MP4Metadata.settingEntry(key, to: value, source: src, tree: tree)
        try BoxEditor(source: src, tree: tree).apply([edit], to: output).commit()
    }

    static func read(_ path: String) throws -> MP4Metadata {
        let src = try FileByteSource(path: path)
        return try MP4Metadata.read(from: src, tree: try BoxTree.parse(src))
    }

    @Test(arguments: ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov"])
    func writeThenReadBackAndFFprobeSeesIt(name: String) throws {
        let input = try TestFixtures.generated(name)
        let dir = try TemporaryDirectory()
        let out = dir.path("aigc-\(name)").path
        #expect(try Self.read(input.path)["AIGC"] == nil)
        try Self.write("AIGC", Self.aigc, from: input.path, to: out)
        let md = try Self.read(out)
        #expect(md["AIGC"] == Self.aigc)
        #expect(md.entries.first { $0.key == "AIGC" }?.handler == "mdta")
        #expect(try Self.probeTags(out)["AIGC"] == Self.aigc)
        // Existing entries survive (ffmpeg's mdir encoder tag).
        let before = try Self.read(input.path)
        if name.hasSuffix(".mp4") { #expect(before["©too"]?.hasPrefix("Lavf") == true) }
        for e in before.entries { #expect(md.entries.contains(e)) }
        let (status, errors) = try Helpers.decodeErrors(out)
        #expect(status == 0 && errors.isEmpty, "ffmpeg: \(errors)")
        #expect(try Helpers.frameMD5(out) == Helpers.frameMD5(input.path))
    }

    @Test func replacingKeepsOtherMdtaEntries() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")
        let dir = try TemporaryDirectory()
        let tagged = dir.path("tagged.mp4").path
        let r = try Subprocess.run(
            try Helpers.ffmpeg(),
            [
                "-nostdin", "-v", "error", "-i", input.path, "-c", "copy", "-movflags", "use_metadata_tags",
                "-metadata", "foo=bar", "-metadata", "AIGC=old", tagged,
            ])
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(try Self.read(tagged)["AIGC"] == "old")
        let out = dir.path("replaced.mp4").path
        try Self.write("AIGC", Self.aigc, from: tagged, to: out)
        let md = try Self.read(out)
        #expect(md["AIGC"] == Self.aigc)
        #expect(md["foo"] == "bar")
        #expect(md.entries.filter { $0.key == "AIGC" }.count == 1)
        let tags = try Self.probeTags(out)
        #expect(tags["AIGC"] == Self.aigc && tags["foo"] == "bar")
        // A second, new key is appended.
        let twice = dir.path("twice.mp4").path
        try Self.write("Other", "x", from: out, to: twice)
        let md2 = try Self.read(twice)
        #expect(md2["Other"] == "x" && md2["AIGC"] == Self.aigc && md2["foo"] == "bar")
        #expect(try Helpers.frameMD5(twice) == Helpers.frameMD5(input.path))
    }

    @Test func readsXMPFromUUIDAndUdta() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")
        let src = try FileByteSource(path: input.path)
        let tree = try BoxTree.parse(src)
        #expect(try XMPPacket.all(in: tree, source: src).isEmpty)
        let xmp = #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><TC260:AIGC>{"Label":"1"}</TC260:AIGC></x:xmpmeta>"#
        let dir = try TemporaryDirectory()
        let out = dir.path("xmp.mp4").path
        try BoxEditor(source: src, tree: tree)
            .apply([.insert(BoxBuilder.uuidBox(userType: KnownBoxes.xmpUUID, Array(xmp.utf8)))], to: out).commit()
        let outSrc = try FileByteSource(path: out)
        let packets = try XMPPacket.all(in: try BoxTree.parse(outSrc), source: outSrc)
        #expect(packets.count == 1)
        #expect(packets.first?.container == .uuidBox)
        #expect(packets.first?.text.contains("TC260:AIGC") == true)

        // moov/udta/XMP_ in a hand-built file.
        let file =
            BoxBuilder.box("ftyp", Array("qt  ".utf8) + [0, 0, 0, 0])
            + BoxBuilder.container("moov", [BoxBuilder.container("udta", [BoxBuilder.box("XMP_", Array(xmp.utf8))])])
        let mem = MemoryByteSource(file)
        let udta = try XMPPacket.all(in: try BoxTree.parse(mem), source: mem)
        #expect(udta.map(\.container) == [.udtaXMP])
        #expect(udta.first?.text == xmp)
    }
}

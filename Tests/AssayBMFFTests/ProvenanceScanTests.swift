import AssayBMFF
import AssayTestSupport
import Foundation
import Testing

@Suite struct ProvenanceScanTests {
    @Test func plainFixtureHasNoProvenance() throws {
        let src = try FileByteSource(path: TestFixtures.generated("h264_aac.mp4").path)
        let scan = try ProvenanceScan.scan(src, tree: try BoxTree.parse(src))
        #expect(scan.manifestBox == nil && scan.c2paBoxes.isEmpty && scan.aigcMetadata == nil)
        #expect(scan.xmpPackets.isEmpty && !scan.xmpHasTC260Label)
    }

    @Test func labelledFileShowsAllThreeMarkers() throws {
        let input = try TestFixtures.generated("h264_faststart.mp4")
        let src = try FileByteSource(path: input.path)
        let tree = try BoxTree.parse(src)
        let aigc = #"{"Label":"1"}"#
        let xmp = #"<x:xmpmeta><rdf:Description TC260:AIGC="{}"/></x:xmpmeta>"#
        let manifest = C2PAManifestBox.build(data: [UInt8](repeating: 1, count: 64))
        let dir = try TemporaryDirectory()
        let out = dir.path("labelled.mp4").path
        let pending = try BoxEditor(source: src, tree: tree).apply(
            [
                .insert(manifest),
                try MP4Metadata.settingEntry("AIGC", to: aigc, source: src, tree: tree),
                .insert(BoxBuilder.uuidBox(userType: KnownBoxes.xmpUUID, Array(xmp.utf8)), at: .end),
            ], to: out)
        let slot = try #require(pending.layout.ranges(ofEdit: 0).first)
        try pending.commit()

        let outSrc = try FileByteSource(path: out)
        let outTree = try BoxTree.parse(outSrc)
        let scan = try ProvenanceScan.scan(outSrc, tree: outTree)
        #expect(scan.manifestBox?.box.range == slot)
        #expect(scan.manifestBox?.purpose == "manifest")
        #expect(scan.aigcMetadata == aigc)
        #expect(scan.xmpHasTC260Label)
        #expect(try Helpers.frameMD5(out) == Helpers.frameMD5(input.path))

        let outline = outTree.outline(maxDepth: 2)
        let lines = outline.split(separator: "\n")
        #expect(lines.first == "ftyp @0 size \(tree.first("ftyp")!.size)")
        #expect(lines[1].hasPrefix("uuid @\(slot.lowerBound) size \(slot.count) D8FEC3D6-1B0E-483C-9297-5828877EC481"))
        #expect(lines.contains { $0.hasPrefix("  mvhd @") })
        #expect(!lines.contains { $0.hasPrefix("    ") })  // depth limited to 2
    }
}

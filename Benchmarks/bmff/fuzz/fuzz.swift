// libFuzzer entry point for AssayBMFF: the walker, every table reader, metadata, C2PA/XMP scan and the
// editor planner on arbitrary bytes. Built by Benchmarks/bmff/fuzz.sh in a scratch package (not part of
// Package.swift). Any crash, ASan report or timeout is a bug; typed errors are expected.
import AssayBMFF

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let src = MemoryByteSource(bytes, name: "fuzz")
    guard let tree = try? BoxTree.parse(src) else { return 0 }
    _ = try? tree.checkOffsetTables(in: src)
    _ = try? tree.checkChunkRanges(in: src)
    _ = try? MP4Metadata.read(from: src, tree: tree)
    _ = try? ProvenanceScan.scan(src, tree: tree)
    _ = tree.outline()
    for (_, box) in tree.allBoxes() {
        switch box.type {
        case "stco", "co64": _ = try? ChunkOffsetTable(box: box, in: src)
        case "tfhd": _ = try? TrackFragmentHeader(box: box, in: src)
        case "tfra": _ = try? TrackFragmentRandomAccess(box: box, in: src)
        case "iloc": _ = try? ItemLocationTable(box: box, in: src)
        case "saio": _ = try? SampleAuxiliaryOffsets(box: box, in: src)
        case "uuid": _ = try? C2PAManifestBox(box: box, in: src)
        default: break
        }
    }
    if let editor = try? BoxEditor(source: src, tree: tree) {
        var edits: [BoxEdit] = [.insert(BoxBuilder.box("free", [1, 2, 3]))]
        if let e = try? MP4Metadata.settingEntry("AIGC", to: "{}", source: src, tree: tree) { edits.append(e) }
        _ = try? editor.layout(for: edits)
    }
    return 0
}

// libFuzzer entry point for the GB 45438 readers: the AIGC JSON parser, and MP4 metadata and XMP
// extraction on arbitrary bytes. The first byte picks the path.
import AssayBMFF
import AssayCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 0 {
        if let label = try? AIGCLabel.parse(String(decoding: bytes, as: UTF8.self)) {
            // What parses must survive our own encoding.
            if (try? AIGCLabel.parse(label.jsonString())) != label { fatalError("AIGC label did not round-trip") }
        }
    } else {
        let source = MemoryByteSource(bytes, name: "fuzz.mp4")
        if let tree = try? BoxTree.parse(source) {
            _ = try? MP4Metadata.read(from: source, tree: tree)
            _ = try? XMPPacket.all(in: tree, source: source)
            if let scan = try? ProvenanceScan.scan(source, tree: tree), let text = scan.aigcMetadata {
                _ = try? AIGCLabel.parse(text)
            }
        }
    }
    return 0
}

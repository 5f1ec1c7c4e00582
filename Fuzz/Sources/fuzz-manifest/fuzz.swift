// libFuzzer entry point for the whole `verify` manifest path: box walk, C2PA box, JUMBF store, claim,
// COSE signature, certificate profile and trust, hashed URIs and the BMFF hash, on arbitrary file
// bytes (seeded with labeled MP4s, whose structure the mutations then break).
import AssayBMFF
import AssayC2PA

let trust = TrustSettings()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let source = MemoryByteSource(bytes, name: "fuzz.mp4")
    if let report = try? ManifestValidator.validate(source: source, trust: trust) {
        _ = report.evidence
        // The JSON report goes through Foundation's serializer, which costs more than the validation
        // itself: exercise it on one input in eight (chosen by the input, so a crash reproduces).
        if size % 8 == 0 { _ = report.json() }
        if report.state == .trusted { fatalError("a mutated file with no trust anchors cannot be Trusted") }
    }
    return 0
}

// libFuzzer entry point for AssayC2PA's parsers: CBOR, JUMBF, COSE_Sign1 and X.509 certificates.
// The first byte picks the parser, the rest is its input. Typed errors are expected; any crash,
// sanitizer report, hang or out-of-memory is a bug.
import AssayC2PA

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch selector % 4 {
    case 0:
        if let value = try? CBOR.decode(bytes) {
            // Round trip: what decodes must re-encode and decode to the same value.
            let again = try? CBOR.decode(value.encoded())
            if again == nil { fatalError("CBOR value did not survive a round trip") }
            // The BMFF hard-binding assertion (exclusions, Merkle maps) read from any CBOR value.
            _ = try? BMFFHashAssertion(cbor: value)
        }
    case 1:
        if let box = try? JUMBFSuperbox.parse(bytes) {
            _ = box.bytes()
            _ = try? ManifestStore(jumbf: bytes)
        }
    case 2:
        if let cose = try? COSESign1(bytes: bytes) {
            for der in cose.certificateChain { _ = try? Certificate(der: der) }
        }
    default:
        if let cert = try? Certificate(der: bytes) {
            _ = cert.subjectCommonName
            _ = cert.profileProblems(allowedEKUs: ExtendedKeyUsage.defaultAllowed, at: 1_800_000_000)
        }
    }
    return 0
}

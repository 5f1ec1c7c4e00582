/// A COSE_Sign1 (RFC 9052) claim signature as C2PA writes it: tag 18, protected header
/// `{1: alg, 33: x5chain}`, detached payload (the claim bytes).
public struct COSESign1: Sendable {
    /// The protected header bytes exactly as stored.
    public let protectedBytes: [UInt8]
    /// The decoded protected header.
    public let protectedHeader: CBOR
    /// The unprotected header.
    public let unprotectedHeader: CBOR
    /// The signature (raw r‖s for ECDSA).
    public let signature: [UInt8]
    /// The COSE `alg` value, if present.
    public let algorithmIdentifier: Int64?
    /// DER certificates, end-entity first.
    public let certificateChain: [[UInt8]]

    /// The algorithm, if C2PA allows it.
    public var algorithm: SigningAlgorithm? { algorithmIdentifier.flatMap(SigningAlgorithm.init(coseIdentifier:)) }

    /// Parses a COSE_Sign1 (tagged or untagged).
    /// - Throws: ``C2PAError/Code/malformedCOSE`` or ``C2PAError/Code/malformedCBOR``.
    public init(bytes: [UInt8]) throws {
        var item = try CBOR.decode(bytes)
        if case .tagged(let t, let inner) = item {
            guard t == 18 else { throw C2PAError.malformedCOSE("COSE tag \(t) is not COSE_Sign1 (18)") }
            item = inner
        }
        guard let parts = item.arrayValue, parts.count == 4 else {
            throw C2PAError.malformedCOSE("COSE_Sign1 is not an array of four")
        }
        guard let prot = parts[0].bytesValue else { throw C2PAError.malformedCOSE("protected header is not a bstr") }
        let protHeader: CBOR = prot.isEmpty ? .map([]) : try CBOR.decode(prot)
        guard protHeader.mapValue != nil else { throw C2PAError.malformedCOSE("protected header is not a map") }
        guard parts[1].mapValue != nil else { throw C2PAError.malformedCOSE("unprotected header is not a map") }
        guard parts[2] == .null || parts[2].bytesValue != nil else {
            throw C2PAError.malformedCOSE("payload is neither null nor a bstr")
        }
        guard let sig = parts[3].bytesValue else { throw C2PAError.malformedCOSE("signature is not a bstr") }
        protectedBytes = prot
        protectedHeader = protHeader
        unprotectedHeader = parts[1]
        signature = sig
        algorithmIdentifier = protHeader[intKey: 1]?.intValue
        // x5chain: int 33 or text "x5chain" in the protected header; legacy text "x5chain" unprotected.
        let candidates = [protHeader[intKey: 33], protHeader["x5chain"], parts[1]["x5chain"]].compactMap { $0 }
        guard candidates.count <= 1 else { throw C2PAError.malformedCOSE("certificate chain in both headers") }
        var chain = [[UInt8]]()
        if let c = candidates.first {
            if let single = c.bytesValue {
                chain = [single]
            } else if let arr = c.arrayValue {
                for e in arr {
                    guard let b = e.bytesValue else { throw C2PAError.malformedCOSE("x5chain entry is not a bstr") }
                    chain.append(b)
                }
            } else {
                throw C2PAError.malformedCOSE("x5chain is neither bstr nor array")
            }
        }
        certificateChain = chain
    }

    /// The bytes to sign/verify: `["Signature1", protected, h'', payload]`.
    public static func toBeSigned(protectedBytes: [UInt8], payload: [UInt8]) -> [UInt8] {
        CBOR.array([.text("Signature1"), .bytes(protectedBytes), .bytes([]), .bytes(payload)]).encoded()
    }

    /// The protected header C2PA writes for `algorithm` and a DER chain (end-entity first, no root).
    public static func protectedHeader(algorithm: SigningAlgorithm, chain: [[UInt8]]) -> [UInt8] {
        let x5: CBOR = chain.count == 1 ? .bytes(chain[0]) : .array(chain.map { .bytes($0) })
        return CBOR.map([CBOR.Pair(.int(1), .int(algorithm.coseIdentifier)), CBOR.Pair(.int(33), x5)]).encoded()
    }

    /// Signs `payload` (detached) and returns the tagged COSE_Sign1 bytes.
    /// `padTo` grows an unprotected `pad` bstr so the result has exactly that many bytes.
    static func sign(
        payload: [UInt8], algorithm: SigningAlgorithm, chain: [[UInt8]], key: CryptoKey,
        padTo: Int? = nil
    ) throws -> [UInt8] {
        let (prot, sig) = try signature(payload: payload, algorithm: algorithm, chain: chain, key: key)
        return try assemble(protectedBytes: prot, signature: sig, timeStampToken: nil, padTo: padTo)
    }

    /// The protected header and the signature over `payload`.
    static func signature(payload: [UInt8], algorithm: SigningAlgorithm, chain: [[UInt8]], key: CryptoKey) throws
        -> (protectedBytes: [UInt8], signature: [UInt8])
    {
        let prot = protectedHeader(algorithm: algorithm, chain: chain)
        return (prot, try key.sign(toBeSigned(protectedBytes: prot, payload: payload), algorithm: algorithm))
    }

    /// Assembles a tagged COSE_Sign1 with an optional `sigTst2` token and padding to `padTo` bytes.
    static func assemble(
        protectedBytes prot: [UInt8], signature sig: [UInt8], timeStampToken: [UInt8]?,
        padTo: Int?
    ) throws -> [UInt8] {
        func assemble(pad: Int, pad2: Int?) -> [UInt8] {
            var pairs = [CBOR.Pair]()
            if let t = timeStampToken {
                pairs.append(
                    CBOR.Pair(.text("sigTst2"), .textMap([("tstTokens", .array([.textMap([("val", .bytes(t))])]))])))
            }
            pairs.append(CBOR.Pair(.text("pad"), .bytes([UInt8](repeating: 0, count: pad))))
            if let pad2 { pairs.append(CBOR.Pair(.text("pad2"), .bytes([UInt8](repeating: 0, count: pad2)))) }
            return CBOR.tagged(18, .array([.bytes(prot), .map(pairs), .null, .bytes(sig)])).encoded()
        }
        let out = assemble(pad: 0, pad2: nil)
        guard let padTo, out.count < padTo else {
            if let padTo, out.count > padTo {
                throw C2PAError.sizeMismatch("COSE_Sign1 of \(out.count) bytes exceeds its reserved \(padTo) bytes")
            }
            return out
        }
        // Grow `pad` to the target; where a bstr head grows by a byte and skips the exact size,
        // c2pa-rs adds `pad2`: search a small window of (pad, pad2) for an exact fit.
        let base = padTo - out.count
        for pad in stride(from: base, through: max(0, base - 16), by: -1) {
            let a = assemble(pad: pad, pad2: nil)
            if a.count == padTo { return a }
        }
        for pad in stride(from: base, through: max(0, base - 32), by: -1) {
            for pad2 in 0..<32 {
                let a = assemble(pad: pad, pad2: pad2)
                if a.count == padTo { return a }
            }
        }
        throw C2PAError.sizeMismatch("cannot pad COSE_Sign1 from \(out.count) to \(padTo) bytes")
    }
}

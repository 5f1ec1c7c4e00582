/// A parsed C2PA manifest store (the JUMBF `c2pa` superbox) and its manifests.
public struct ManifestStore: Sendable {
    /// The store superbox.
    public let superbox: JUMBFSuperbox
    /// Manifests in store order; the active one is the last.
    public let manifests: [Manifest]

    /// The active manifest (the last in the store).
    public var activeManifest: Manifest? { manifests.last }

    /// The manifest with a given label.
    public func manifest(labeled label: String) -> Manifest? { manifests.first { $0.label == label } }

    /// Parses a store from its JUMBF bytes (`base` = file offset of the bytes, for error locations).
    /// - Throws: ``C2PAError`` (malformedJUMBF / malformedManifest / malformedCBOR).
    public init(jumbf: [UInt8], base: Int = 0) throws {
        let sb = try JUMBFSuperbox.parse(jumbf, base: base)
        guard sb.description.type == JUMBF.c2paUUID("c2pa") else {
            throw C2PAError.malformedManifest(
                "top JUMBF box is not a C2PA manifest store",
                location: .init(offset: Int64(base)))
        }
        superbox = sb
        var ms = [Manifest]()
        for child in sb.superboxes {
            let t = child.description.type
            guard t == JUMBF.c2paUUID("c2ma") || t == JUMBF.c2paUUID("c2um") else { continue }
            ms.append(try Manifest(superbox: child))
        }
        guard !ms.isEmpty else {
            throw C2PAError.malformedManifest("manifest store holds no manifest", location: .init(offset: Int64(base)))
        }
        var seen = Set<String>()
        for m in ms where !seen.insert(m.label).inserted {
            throw C2PAError.malformedManifest(
                "duplicate manifest label \(m.label)",
                location: .init(offset: Int64(m.superbox.offset)))
        }
        manifests = ms
    }
}

/// One manifest: assertion store, claim and claim signature.
public struct Manifest: Sendable {
    /// The manifest label (`urn:c2pa:…` or `urn:uuid:…`).
    public let label: String
    /// The manifest superbox.
    public let superbox: JUMBFSuperbox
    /// Assertion superboxes in store order.
    public let assertions: [JUMBFSuperbox]
    /// `c2pa.claim.v2` or `c2pa.claim`.
    public let claimLabel: String
    /// The claim CBOR exactly as stored (what the signature covers).
    public let claimBytes: [UInt8]
    /// The decoded claim.
    public let claim: CBOR
    /// The COSE_Sign1 bytes, if a signature box is present.
    public let signatureBytes: [UInt8]?

    /// True for a `c2pa.claim.v2` claim.
    public var isV2: Bool { claimLabel == "c2pa.claim.v2" }

    init(superbox sb: JUMBFSuperbox) throws {
        let loc = InputLocationHelper.at(sb.offset)
        guard let label = sb.label, !label.isEmpty else {
            throw C2PAError.malformedManifest("manifest without a label", location: loc)
        }
        self.label = label
        self.superbox = sb
        var assertionStore: JUMBFSuperbox?
        var claimBox: JUMBFSuperbox?
        var sigBox: JUMBFSuperbox?
        for child in sb.superboxes {
            switch child.label ?? "" {
            case "c2pa.assertions":
                guard assertionStore == nil else {
                    throw C2PAError.malformedManifest("two assertion stores", location: loc)
                }
                assertionStore = child
            case "c2pa.claim", "c2pa.claim.v2":
                guard claimBox == nil else { throw C2PAError.malformedManifest("more than one claim", location: loc) }
                claimBox = child
            case "c2pa.signature":
                guard sigBox == nil else { throw C2PAError.malformedManifest("more than one signature", location: loc) }
                sigBox = child
            case "c2pa.credentials", "c2pa.databoxes":
                break
            default:
                throw C2PAError.malformedManifest("unexpected box '\(child.label ?? "")' in manifest", location: loc)
            }
        }
        guard let claimBox else { throw C2PAError.malformedManifest("manifest \(label) has no claim", location: loc) }
        let cbors = claimBox.contents(ofType: "cbor")
        guard cbors.count == 1 else {
            throw C2PAError.malformedManifest("claim must hold exactly one cbor box", location: loc)
        }
        claimLabel = claimBox.label ?? ""
        claimBytes = cbors[0]
        do {
            claim = try CBOR.decode(cbors[0])
        } catch let e as C2PAError {
            throw e.shifted(by: Int64(claimBox.offset))
        }
        guard claim.mapValue != nil else { throw C2PAError.malformedManifest("claim is not a CBOR map", location: loc) }
        assertions = assertionStore?.superboxes ?? []
        signatureBytes = sigBox?.contents(ofType: "cbor").first
    }

    /// The claim's `alg` (defaults to sha256 for v1 claims that omit it).
    public var claimHashAlgorithm: String? { claim["alg"]?.textValue ?? (isV2 ? nil : "sha256") }

    /// Hashed-URI references of the claim: created + gathered (v2) or assertions (v1).
    public var assertionReferences: [HashedURI] {
        let lists = isV2 ? ["created_assertions", "gathered_assertions"] : ["assertions"]
        return lists.flatMap { claim[$0]?.arrayValue ?? [] }.compactMap(HashedURI.init(cbor:))
    }

    /// The assertion superbox for a label (with instance suffixes such as `__1`).
    public func assertion(labeled label: String) -> JUMBFSuperbox? { assertions.first { $0.label == label } }

    /// The decoded CBOR content of an assertion, if it is a CBOR assertion.
    public func assertionCBOR(_ label: String) -> CBOR? {
        guard let box = assertion(labeled: label), let payload = box.contents(ofType: "cbor").first else { return nil }
        return try? CBOR.decode(payload)
    }

    /// `claim_generator_info` as a list (v2 holds one map; v1 an array).
    public var claimGeneratorInfo: [CBOR] {
        guard let g = claim["claim_generator_info"] else { return [] }
        if let a = g.arrayValue { return a }
        return [g]
    }
}

/// A hashed URI: `{url, alg?, hash}`.
public struct HashedURI: Sendable, Hashable {
    /// The JUMBF URI.
    public var url: String
    /// The hash algorithm, if not the claim's.
    public var alg: String?
    /// The hash.
    public var hash: [UInt8]

    /// Creates a hashed URI.
    public init(url: String, alg: String? = nil, hash: [UInt8]) {
        self.url = url
        self.alg = alg
        self.hash = hash
    }

    /// Reads a hashed URI from CBOR; `nil` if it is not shaped as one.
    public init?(cbor: CBOR) {
        guard let u = cbor["url"]?.textValue, let h = cbor["hash"]?.bytesValue else { return nil }
        url = u
        alg = cbor["alg"]?.textValue
        hash = h
    }

    /// The CBOR map (`alg` omitted when nil, as c2pa-rs does).
    public var cbor: CBOR {
        var pairs: [(String, CBOR)] = [("url", .text(url))]
        if let alg { pairs.append(("alg", .text(alg))) }
        pairs.append(("hash", .bytes(hash)))
        return .textMap(pairs)
    }

    /// The path components after `self#jumbf=`, and the manifest label if the URI is absolute.
    func resolve(relativeTo manifestLabel: String) -> (manifest: String, path: [String])? {
        let prefix = "self#jumbf="
        guard url.hasPrefix(prefix) else { return nil }
        let rest = String(url.dropFirst(prefix.count))
        var parts = rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if rest.hasPrefix("/") {
            guard parts.count >= 2, parts[0] == "c2pa" else { return nil }
            let m = parts[1]
            parts.removeFirst(2)
            return (m, parts)
        }
        return (manifestLabel, parts)
    }
}

enum InputLocationHelper {
    static func at(_ offset: Int) -> InputLocation { InputLocation(offset: Int64(offset)) }
}

import AssayCore

public import AssayBMFF
public import AssayCore
import Foundation

/// Signs an MP4/MOV without re-encoding, as c2pa-rs does: one copy with a fixed-size placeholder
/// manifest box after `ftyp` (chunk offsets patched), one hash pass over the final layout, sign,
/// patch the placeholder in place, commit atomically. The input is never modified.
public enum ManifestSigner {
    /// The outcome of a signing run.
    public struct Result: Sendable {
        /// Label of the new active manifest.
        public let manifestLabel: String
        /// Size of the C2PA `uuid` box.
        public let manifestBoxSize: Int
        /// The BMFF hash written.
        public let hash: [UInt8]
        /// Number of manifests in the new store (history included).
        public let manifestCount: Int
    }

    /// Signs `inputPath` into `outputPath`. `additionalEdits` may return more top-level edits of the
    /// input (for example a rebuilt `moov` with new metadata), applied in the same single copy.
    /// - Throws: ``C2PAError`` (or `BMFFError` from the container layer); no output is left behind on error.
    @discardableResult
    public static func sign(
        inputPath: String, outputPath: String, definition: ManifestDefinition,
        identity: SigningIdentity, timeStampURL: String? = nil,
        additionalEdits: ((_ source: any ByteSource, _ tree: BoxTree) throws -> [BoxEdit])? = nil
    ) throws -> Result {
        let problems = identity.profileProblems()
        guard problems.isEmpty else {
            throw C2PAError.invalidCertificate(
                "signing certificate does not meet the C2PA profile: "
                    + problems.joined(separator: "; "))
        }
        guard inputPath != outputPath else { throw C2PAError.invalidArgument("the output must differ from the input") }
        let source = try FileByteSource(path: inputPath)
        let tree = try BoxTree.parse(source, maxDepth: ManifestValidator.maxBoxDepth)
        guard tree.boxes.first?.type == "ftyp" else {
            throw C2PAError.malformedBMFF(
                "file does not start with an ftyp box", location: InputLocation(path: inputPath, offset: 0))
        }
        let existing = try C2PABox.readStore(tree: tree, source: source)
        let manifestLabel = "urn:c2pa:" + UUID().uuidString.lowercased()
        // The parent's validation results go into the ingredient (c2pa-rs records them too). For a
        // parent embedded in the input this costs one extra hash pass over the input.
        var parentStatuses = [ManifestEvidence.Status]()
        if definition.keepHistory {
            if let ps = definition.parentStore {
                parentStatuses = (try? ManifestValidator.validateDetached(store: ps, trust: definition.parentTrust))?
                    .statuses ?? []
            } else if existing != nil {
                parentStatuses = (try? ManifestValidator.validate(source: source, tree: tree, trust: definition.parentTrust))?
                    .statuses ?? []
            }
        }
        let builder = StoreBuilder(
            label: manifestLabel, definition: definition, identity: identity,
            parent: definition.keepHistory ? (definition.parentStore ?? existing?.store) : nil,
            inputTitle: definition.parentTitle ?? String(inputPath.split(separator: "/").last ?? ""),
            timeStampURL: timeStampURL, parentStatuses: parentStatuses)
        let placeholder = C2PABox.wrap(jumbf: try builder.build(hash: [UInt8](repeating: 0, count: 32)))
        let editor = try BoxEditor(source: source, tree: tree)
        let edit: BoxEdit =
            existing.map { .replace($0.box, with: placeholder) } ?? .insert(placeholder, at: .afterFileType)
        // Other top-level edits (the GB 45438 metadata in `moov`) ride on the same copy, so they
        // are covered by the hash computed below.
        let extra = try additionalEdits?(source, tree) ?? []
        let pending = try editor.apply(extra + [edit], to: outputPath)
        do {
            let out = try FileByteSource(path: pending.writer.temporaryPath)
            let outTree = try BoxTree.parse(out, maxDepth: ManifestValidator.maxBoxDepth)
            guard let box = try C2PABox.find(in: outTree, source: out).first(where: { $0.purpose == "manifest" })?.box,
                box.size == Int64(placeholder.count)
            else { throw C2PAError.sizeMismatch("placeholder manifest box not found in the output") }
            let hash = try BMFFHashAssertion(hash: []).computeHash(source: out, tree: outTree, withOffsets: true)
            let final = C2PABox.wrap(jumbf: try builder.build(hash: hash, padTo: placeholder.count))
            guard final.count == placeholder.count else {
                throw C2PAError.sizeMismatch("manifest grew from \(placeholder.count) to \(final.count) bytes")
            }
            try pending.writer.write(final, at: box.offset)
            try pending.commit()
            return Result(
                manifestLabel: manifestLabel, manifestBoxSize: final.count, hash: hash,
                manifestCount: ((definition.parentStore ?? existing?.store)?.manifests.count ?? 0) + 1)
        } catch {
            pending.abort()
            throw error
        }
    }
}

/// Builds the JUMBF manifest store for one signing run.
struct StoreBuilder {
    let label: String
    let definition: ManifestDefinition
    let identity: SigningIdentity
    let parent: ManifestStore?
    let inputTitle: String
    let timeStampURL: String?
    let parentStatuses: [ManifestEvidence.Status]
    /// Bytes reserved for the time-stamp token in the placeholder (as c2pa-rs does).
    static let timeStampReserve = 10000
    private let salts: [String: [UInt8]]
    private let instanceID = "xmp:iid:" + UUID().uuidString.lowercased()

    init(
        label: String, definition: ManifestDefinition, identity: SigningIdentity, parent: ManifestStore?,
        inputTitle: String, timeStampURL: String? = nil, parentStatuses: [ManifestEvidence.Status] = []
    ) {
        self.timeStampURL = timeStampURL
        self.parentStatuses = parentStatuses
        self.label = label
        self.definition = definition
        self.identity = identity
        self.parent = parent
        self.inputTitle = inputTitle
        var s = [String: [UInt8]]()
        var rng = SystemRandomNumberGenerator()
        for l in definition.assertions.map(\.label) + [Assertions.bmffHashLabel, Assertions.ingredientLabel] {
            s[l] = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        salts = s
    }

    /// The ingredient assertion pointing at the parent's active manifest, if there is a parent.
    func ingredient() -> CBOR? {
        guard let parent, let pm = parent.activeManifest else { return nil }
        var p: [(String, CBOR)] = [
            ("dc:title", .text(inputTitle)),
            ("dc:format", .text("video/mp4")),
            ("relationship", .text("parentOf")),
            (
                "activeManifest",
                HashedURI(
                    url: "self#jumbf=/c2pa/\(pm.label)",
                    hash: Digest.sha256(pm.superbox.hashedBytes())
                ).cbor
            ),
        ]
        if let sig = pm.superbox.child(labeled: "c2pa.signature") {
            p.append(
                (
                    "claimSignature",
                    HashedURI(
                        url: "self#jumbf=/c2pa/\(pm.label)/c2pa.signature",
                        hash: Digest.sha256(sig.hashedBytes())
                    ).cbor
                ))
        }
        func list(_ kind: ManifestEvidence.Status.Kind) -> CBOR {
            .array(
                parentStatuses.filter { $0.kind == kind }.map { st in
                    var e: [(String, CBOR)] = [("code", .text(st.code))]
                    if let u = st.url { e.append(("url", .text(u))) }
                    if let x = st.explanation { e.append(("explanation", .text(x))) }
                    return .textMap(e)
                })
        }
        let results: CBOR = .textMap([
            ("success", list(.success)), ("informational", list(.informational)), ("failure", list(.failure)),
        ])
        p.append(("validationResults", .textMap([("activeManifest", results)])))
        return .textMap(p)
    }

    func build(hash: [UInt8], padTo: Int? = nil) throws -> [UInt8] {
        var list = definition.assertions
        if let ing = ingredient() {
            list.append(.init(label: Assertions.ingredientLabel, content: ing, created: true))
        }
        list.append(.init(label: Assertions.bmffHashLabel, content: BMFFHashAssertion(hash: hash).cbor, created: true))
        var boxes = [JUMBFSuperbox]()
        var created = [CBOR]()
        var gathered = [CBOR]()
        var used = [String: Int]()
        for a in list {
            var l = a.label
            if let n = used[a.label] { l = "\(a.label)__\(n)" }
            used[a.label, default: 0] += 1
            let box = JUMBFSuperbox(
                description: JUMBFDescription(type: JUMBF.c2paUUID("cbor"), label: l, salt: salts[a.label]),
                children: [.content(type: "cbor", payload: a.content.encoded())])
            boxes.append(box)
            let uri = HashedURI(url: "self#jumbf=c2pa.assertions/\(l)", hash: Digest.sha256(box.hashedBytes())).cbor
            if a.created { created.append(uri) } else { gathered.append(uri) }
        }
        var claim: [(String, CBOR)] = [
            ("instanceID", .text(instanceID)),
            (
                "claim_generator_info",
                .textMap([
                    ("name", .text(definition.claimGenerator.name)),
                    ("version", .text(definition.claimGenerator.version)),
                ])
            ),
            ("signature", .text("self#jumbf=/c2pa/\(label)/c2pa.signature")),
            ("created_assertions", .array(created)),
        ]
        if !gathered.isEmpty { claim.append(("gathered_assertions", .array(gathered))) }
        if let t = definition.title { claim.append(("dc:title", .text(t))) }
        claim.append(("alg", .text("sha256")))
        let claimBytes = CBOR.textMap(claim).encoded()
        let chain = identity.chain.map(\.der)
        let (prot, sig) = try COSESign1.signature(
            payload: claimBytes, algorithm: identity.algorithm, chain: chain,
            key: identity.key)
        var token: [UInt8]?
        var cose: [UInt8]
        if let url = timeStampURL {
            if padTo == nil {
                // Placeholder: reserve room for the token that the final pass will fetch.
                let plain = try COSESign1.assemble(
                    protectedBytes: prot, signature: sig, timeStampToken: nil, padTo: nil)
                cose = try COSESign1.assemble(
                    protectedBytes: prot, signature: sig, timeStampToken: nil,
                    padTo: plain.count + Self.timeStampReserve)
            } else {
                token = try TimeStamp.fetchToken(
                    url: url, imprint: TimeStamp.imprint(protectedBytes: prot, signature: sig))
                cose = try COSESign1.assemble(protectedBytes: prot, signature: sig, timeStampToken: token, padTo: nil)
            }
        } else {
            cose = try COSESign1.assemble(protectedBytes: prot, signature: sig, timeStampToken: nil, padTo: nil)
        }
        let manifest = JUMBFSuperbox(
            description: JUMBFDescription(type: JUMBF.c2paUUID("c2ma"), label: label),
            children: [
                .superbox(
                    JUMBFSuperbox(
                        description: JUMBFDescription(type: JUMBF.c2paUUID("c2as"), label: "c2pa.assertions"),
                        children: boxes.map { .superbox($0) })),
                .superbox(
                    JUMBFSuperbox(
                        description: JUMBFDescription(type: JUMBF.c2paUUID("c2cl"), label: "c2pa.claim.v2"),
                        children: [.content(type: "cbor", payload: claimBytes)])),
                .superbox(
                    JUMBFSuperbox(
                        description: JUMBFDescription(type: JUMBF.c2paUUID("c2cs"), label: "c2pa.signature"),
                        children: [.content(type: "cbor", payload: cose)])),
            ])
        var children = [JUMBFNode]()
        for m in parent?.manifests ?? [] { children.append(.superbox(m.superbox)) }
        children.append(.superbox(manifest))
        var store = JUMBFSuperbox(
            description: JUMBFDescription(type: JUMBF.c2paUUID("c2pa"), label: "c2pa"),
            children: children)
        var bytes = store.bytes()
        if let padTo {
            // padTo is the size of the whole uuid box; the JUMBF is that minus the box header.
            let target = padTo - (C2PABox.wrap(jumbf: []).count)
            if bytes.count < target {
                // Grow the COSE pad so the final store matches the placeholder byte for byte in size.
                let extra = target - bytes.count
                let padded = try COSESign1.assemble(
                    protectedBytes: prot, signature: sig, timeStampToken: token,
                    padTo: cose.count + extra)
                var m = manifest
                m.children[2] = .superbox(
                    JUMBFSuperbox(
                        description: JUMBFDescription(type: JUMBF.c2paUUID("c2cs"), label: "c2pa.signature"),
                        children: [.content(type: "cbor", payload: padded)]))
                store.children[store.children.count - 1] = .superbox(m)
                bytes = store.bytes()
            }
        }
        return bytes
    }
}

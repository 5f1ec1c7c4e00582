public import AssayBMFF
public import AssayCore
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// The result of validating a file's manifest store, shaped like c2pa-rs's Reader output.
public struct ValidationReport: Sendable {
    /// The state of the active manifest.
    public let state: ManifestEvidence.ValidationState
    /// Status entries for the active manifest (success, informational, failure in order produced).
    public let statuses: [ManifestEvidence.Status]
    /// The store.
    public let store: ManifestStore
    /// Signer of the active manifest, if readable.
    public let signer: ManifestEvidence.Signer?
    /// Per-ingredient results (c2pa-rs `ingredientDeltas`): the ingredient assertion's URI and the
    /// statuses of validating the ingredient's manifest.
    public let ingredientDeltas: [(uri: String, statuses: [ManifestEvidence.Status])]
    /// Serial number (decimal) of the active manifest's signing certificate.
    public let certificateSerial: String?

    /// The active manifest.
    public var activeManifest: Manifest? { store.activeManifest }

    /// The lane's evidence for AssayCore.
    public var evidence: ManifestEvidence {
        let m = store.activeManifest
        // Ingredient failures are part of the evidence too: they can make the state Invalid.
        let all = statuses + ingredientDeltas.flatMap { $0.statuses.filter { $0.kind == .failure } }
        return ManifestEvidence(
            state: state, statuses: all, activeManifest: m?.label, signer: signer,
            label: m.flatMap(Assertions.contentLabel(from:)),
            softBinding: m.flatMap(Assertions.softBindingContentID(from:)),
            source: .embedded, manifestCount: store.manifests.count)
    }

    /// Codes of one kind.
    public func codes(_ kind: ManifestEvidence.Status.Kind) -> [String] {
        statuses.filter { $0.kind == kind }.map(\.code)
    }

    /// A JSON report like c2pa-rs `Reader.json()`: active_manifest, manifests, validation_results,
    /// validation_state (and validation_status when there are failures).
    public func jsonObject() -> [String: Any] {
        func entry(_ s: ManifestEvidence.Status) -> [String: Any] {
            var d: [String: Any] = ["code": s.code]
            if let u = s.url { d["url"] = u }
            if let e = s.explanation { d["explanation"] = e }
            return d
        }
        var manifests = [String: Any]()
        for m in store.manifests {
            var md: [String: Any] = ["label": m.label]
            md["claim_generator_info"] = m.claimGeneratorInfo.map(\.jsonValue)
            if let t = m.claim["dc:title"]?.textValue { md["title"] = t }
            if let i = m.claim["instanceID"]?.textValue { md["instance_id"] = i }
            md["claim_version"] = m.isV2 ? 2 : 1
            let created = Set(
                (m.claim["created_assertions"]?.arrayValue ?? []).compactMap(HashedURI.init(cbor:))
                    .compactMap { $0.url.split(separator: "/").last.map(String.init) })
            md["assertions"] = m.assertions.compactMap { box -> [String: Any]? in
                guard let l = box.label, !l.hasPrefix("c2pa.ingredient") else { return nil }
                var d: [String: Any] = ["label": l]
                if let p = box.contents(ofType: "cbor").first, let c = try? CBOR.decode(p) {
                    d["data"] = c.jsonValue
                } else if let p = box.contents(ofType: "json").first,
                    let j = try? JSONSerialization.jsonObject(with: Data(p))
                {
                    d["data"] = j
                }
                if m.isV2 && created.contains(l) { d["created"] = true }
                return d
            }
            md["ingredients"] = m.assertions.filter { ($0.label ?? "").hasPrefix("c2pa.ingredient") }.compactMap {
                box -> Any? in box.contents(ofType: "cbor").first.flatMap { try? CBOR.decode($0) }?.jsonValue
            }
            if m.label == store.activeManifest?.label, let signer {
                // Field names and values as c2pa-rs prints them ("issuer" is the signer's organisation).
                var si: [String: Any] = [:]
                if let a = signer.algorithm {
                    si["alg"] = a == "Ed25519" ? a : a.prefix(1) + a.dropFirst().lowercased()
                }
                if let o = signer.organization { si["issuer"] = o }
                if let c = signer.commonName { si["common_name"] = c }
                if let s = certificateSerial { si["cert_serial_number"] = s }
                if let t = signer.time { si["time"] = t }
                md["signature_info"] = si
            }
            manifests[m.label] = md
        }
        var out: [String: Any] = [
            "active_manifest": store.activeManifest?.label ?? "",
            "manifests": manifests,
            "validation_results": validationResults(),
            "validation_state": state.rawValue,
        ]
        let failures = statuses.filter { $0.kind == .failure }
        if !failures.isEmpty { out["validation_status"] = failures.map(entry) }
        return out
    }

    private func validationResults() -> [String: Any] {
        func entry(_ s: ManifestEvidence.Status) -> [String: Any] {
            var d: [String: Any] = ["code": s.code]
            if let u = s.url { d["url"] = u }
            if let e = s.explanation { d["explanation"] = e }
            return d
        }
        func lists(_ list: [ManifestEvidence.Status]) -> [String: Any] {
            [
                "success": list.filter { $0.kind == .success }.map(entry),
                "informational": list.filter { $0.kind == .informational }.map(entry),
                "failure": list.filter { $0.kind == .failure }.map(entry),
            ]
        }
        var out: [String: Any] = ["activeManifest": lists(statuses), "specVersion": "2.4.0"]
        if !ingredientDeltas.isEmpty {
            out["ingredientDeltas"] = ingredientDeltas.map {
                ["ingredientAssertionURI": $0.uri, "validationDeltas": lists($0.statuses)] as [String: Any]
            }
        }
        return out
    }

    /// The JSON report, pretty-printed with sorted keys.
    public func json() -> String {
        let data =
            (try? JSONSerialization.data(
                withJSONObject: jsonObject(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Validates C2PA manifests in MP4/MOV files, mirroring c2pa-rs.
public enum ManifestValidator {
    /// Validates the manifest embedded in the file at `path`.
    /// - Throws: ``C2PAError/Code/manifestNotFound`` when there is none; ``C2PAError`` /
    ///   `BMFFError` when the container or store cannot be parsed at all.
    public static func validate(path: String, trust: TrustSettings) throws -> ValidationReport {
        let source = try FileByteSource(path: path)
        return try validate(source: source, trust: trust)
    }

    /// Validates the manifest embedded in `source`.
    public static func validate(source: any ByteSource, trust: TrustSettings) throws -> ValidationReport {
        try validate(source: source, tree: BoxTree.parse(source, maxDepth: maxBoxDepth), trust: trust)
    }

    /// Deepest box nesting ``validate(source:trust:)`` walks.
    public static let maxBoxDepth = 32

    /// Validates the manifest embedded in `source`, whose box tree the caller has already parsed (with
    /// ``maxBoxDepth``), so a caller that also needs the tree walks the file once.
    public static func validate(source: any ByteSource, tree: BoxTree, trust: TrustSettings) throws
        -> ValidationReport
    {
        guard let (store, _) = try C2PABox.readStore(tree: tree, source: source) else {
            throw C2PAError.manifestNotFound("no C2PA manifest found", path: source.name)
        }
        var v = Run(store: store, trust: trust, source: source, tree: tree)
        guard let active = store.activeManifest else {
            throw C2PAError.manifestNotFound("no C2PA manifest found", path: source.name)
        }
        let signer = v.validate(active, bindToAsset: true, depth: 0)
        return ValidationReport(
            state: v.state(), statuses: v.statuses, store: store, signer: signer,
            ingredientDeltas: v.deltas, certificateSerial: v.serial)
    }

    /// Validates a manifest store that is no longer inside its asset: one recovered from the manifest
    /// repository through the watermark's content ID after the file was re-encoded or stripped.
    ///
    /// Everything is checked (claim, signature, certificate profile and trust, hashed URIs,
    /// ingredients) except the hard binding, which belongs to the original bytes; the report says so
    /// with the informational code ``StatusCode/hardBindingNotChecked``.
    public static func validateDetached(store: ManifestStore, trust: TrustSettings) throws -> ValidationReport {
        guard let active = store.activeManifest else {
            throw C2PAError.manifestNotFound("the recovered store has no manifest", path: nil)
        }
        let empty = MemoryByteSource([], name: "recovered manifest")
        var v = Run(store: store, trust: trust, source: empty, tree: BoxTree(boxes: [], sourceSize: 0))
        let signer = v.validate(active, bindToAsset: false, depth: 0)
        v.add(
            StatusCode.hardBindingNotChecked, .informational, url: "self#jumbf=/c2pa/\(active.label)",
            "manifest recovered from the repository: the asset's bytes changed, so its hard binding is not checked")
        return ValidationReport(
            state: v.state(), statuses: v.statuses, store: store, signer: signer,
            ingredientDeltas: v.deltas, certificateSerial: v.serial)
    }

    struct Run {
        let store: ManifestStore
        let trust: TrustSettings
        let source: any ByteSource
        let tree: BoxTree
        var statuses = [ManifestEvidence.Status]()
        var deltas = [(uri: String, statuses: [ManifestEvidence.Status])]()
        var visited = Set<String>()
        var serial: String?

        mutating func add(_ code: String, _ kind: ManifestEvidence.Status.Kind, url: String?, _ explanation: String) {
            statuses.append(.init(code: code, url: url, explanation: explanation, kind: kind))
        }

        func state() -> ManifestEvidence.ValidationState {
            let success = Set(statuses.filter { $0.kind == .success }.map(\.code))
            let failures = (statuses + deltas.flatMap(\.statuses)).filter { $0.kind == .failure }.map(\.code)
            guard success.contains(StatusCode.claimSignatureValidated),
                success.contains(StatusCode.claimSignatureInsideValidity),
                failures.allSatisfy(StatusCode.tolerated.contains)
            else { return .invalid }
            if failures.isEmpty && success.contains(StatusCode.signingCredentialTrusted) { return .trusted }
            return .valid
        }

        /// Validates one manifest; returns the signer. Ingredient manifests are validated with
        /// `bindToAsset: false` (their hard binding belongs to the parent asset).
        mutating func validate(_ m: Manifest, bindToAsset: Bool, depth: Int) -> ManifestEvidence.Signer? {
            guard visited.insert(m.label).inserted, depth < 16 else {
                add(
                    StatusCode.claimMalformed, .failure, url: "self#jumbf=/c2pa/\(m.label)",
                    "ingredient reference cycle or history deeper than 16")
                return nil
            }
            let base = "self#jumbf=/c2pa/\(m.label)"
            let sigURL = base + "/c2pa.signature"
            // Claim shape (c2pa-rs refuses these claims outright; we report claim.malformed).
            if let problem = claimProblem(m) {
                add(StatusCode.claimMalformed, .failure, url: base + "/" + m.claimLabel, problem)
                return nil
            }
            let signer = checkSignature(m, sigURL: sigURL)
            checkAssertions(m, base: base, bindToAsset: bindToAsset, depth: depth)
            return signer
        }

        func claimProblem(_ m: Manifest) -> String? {
            if m.isV2 {
                let allowed: Set<String> = [
                    "instanceID", "claim_generator_info", "signature", "created_assertions",
                    "gathered_assertions", "dc:title", "redacted_assertions", "alg",
                    "alg_soft", "metadata", "specVersion",
                ]
                for k in m.claim.mapValue ?? [] {
                    guard let t = k.key.textValue, allowed.contains(t) else {
                        return "unknown V2 claim field \(k.key)"
                    }
                }
                guard m.claim["claim_generator_info"]?.mapValue != nil else {
                    return "claim_generator_info is missing or invalid"
                }
                guard m.claim["created_assertions"]?.arrayValue != nil else { return "created_assertions missing" }
            } else {
                guard m.claim["assertions"]?.arrayValue != nil else { return "claim has no assertions list" }
            }
            guard m.claim["signature"]?.textValue != nil else { return "claim has no signature reference" }
            guard let alg = m.claimHashAlgorithm, ["sha256", "sha384", "sha512"].contains(alg) else {
                return "unknown algorithm"
            }
            return nil
        }

        mutating func checkSignature(_ m: Manifest, sigURL: String) -> ManifestEvidence.Signer? {
            guard let sigBytes = m.signatureBytes else {
                add(StatusCode.claimSignatureMissing, .failure, url: sigURL, "claim signature box missing")
                return nil
            }
            let cose: COSESign1
            do {
                cose = try COSESign1(bytes: sigBytes)
            } catch {
                add(StatusCode.claimSignatureMismatch, .failure, url: sigURL, "COSE_Sign1 unreadable: \(error)")
                return nil
            }
            guard let alg = cose.algorithm else {
                add(
                    StatusCode.algorithmUnsupported, .failure, url: sigURL,
                    "COSE algorithm \(cose.algorithmIdentifier.map(String.init) ?? "missing") is not supported")
                return nil
            }
            guard !cose.certificateChain.isEmpty else {
                add(
                    StatusCode.signingCredentialInvalid, .failure, url: sigURL,
                    "could not find signing certificate chain")
                return nil
            }
            let certs: [Certificate]
            do {
                certs = try cose.certificateChain.map { try Certificate(der: $0) }
            } catch {
                add(StatusCode.signingCredentialInvalid, .failure, url: sigURL, "certificate unreadable: \(error)")
                return nil
            }
            let leaf = certs[0]
            if serial == nil { serial = leaf.serialNumber }
            var signer = ManifestEvidence.Signer(
                commonName: leaf.subjectCommonName,
                organization: leaf.subjectOrganization,
                issuer: leaf.issuerOrganization ?? leaf.issuerCommonName,
                time: nil, algorithm: alg.rawValue)
            var now = Int64(time(nil))
            var signingTime: String?
            var trustedTimeStamp: Int64?
            // v2: `sigTst2` holds TimeStampTokens over the signature; legacy v1: `sigTst` holds
            // TimeStampResps over the claim bytes.
            let v2 = cose.unprotectedHeader["sigTst2"]
            if let tst = v2 ?? cose.unprotectedHeader["sigTst"] {
                var token = tst["tstTokens"]?.arrayValue?.first?["val"]?.bytesValue
                if v2 == nil, let resp = token { token = try? TimeStamp.token(fromResponse: resp) }
                if let tok = token {
                    let imprint =
                        v2 != nil
                        ? TimeStamp.imprint(protectedBytes: cose.protectedBytes, signature: cose.signature)
                        : TimeStamp.legacyImprint(protectedBytes: cose.protectedBytes, payload: m.claimBytes)
                    let v = TimeStamp.verify(token: tok, imprint: imprint, anchors: trust.anchors)
                    if v.validated {
                        add(StatusCode.timeStampValidated, .success, url: sigURL, "timestamp message digest matched")
                        if v.trusted {
                            add(StatusCode.timeStampTrusted, .success, url: sigURL, "timestamp cert trusted")
                        } else {
                            add(StatusCode.timeStampUntrusted, .informational, url: sigURL, "timestamp cert untrusted")
                        }
                        if let t = v.time {
                            if v.trusted { trustedTimeStamp = t }
                            now = t
                            signingTime = Assertions.iso8601(Date(timeIntervalSince1970: TimeInterval(t)))
                        }
                    } else {
                        add(
                            StatusCode.timeStampMismatch, .informational, url: sigURL,
                            "time-stamp does not match the signature: \(v.problem ?? "")")
                    }
                } else {
                    add(
                        StatusCode.timeStampMalformed, .informational, url: sigURL, "time-stamp holds no readable token"
                    )
                }
            }
            let problems = leaf.profileProblems(allowedEKUs: trust.allowedEKUs, at: now)
            signer.time = signingTime
            let signatureShapeOK = alg.ecCoordinateSize.map { cose.signature.count == 2 * $0 } ?? true
            if !problems.isEmpty || !signatureShapeOK {
                add(
                    StatusCode.signingCredentialInvalid, .failure, url: sigURL,
                    problems.isEmpty ? "signature is not raw r||s" : problems.joined(separator: "; "))
            } else if trust.verifyTrust {
                if let reason = TrustStoreCache.store(for: trust)?.verify(
                    leaf: leaf, intermediates: Array(certs.dropFirst()),
                    at: now)
                {
                    add(
                        StatusCode.signingCredentialUntrusted, .failure, url: sigURL,
                        "signing certificate untrusted: \(reason)")
                } else {
                    add(StatusCode.signingCredentialTrusted, .success, url: sigURL, "signing certificate trusted")
                }
            }
            if leaf.isValid(at: now) {
                add(StatusCode.claimSignatureInsideValidity, .success, url: sigURL, "claim signature inside validity")
            } else {
                add(
                    StatusCode.signingCredentialExpired, .failure, url: sigURL,
                    "certificate outside its validity period")
            }
            let tbs = COSESign1.toBeSigned(protectedBytes: cose.protectedBytes, payload: m.claimBytes)
            let ok = (try? leaf.publicKey())?.verify(cose.signature, message: tbs, algorithm: alg) ?? false
            if ok {
                add(StatusCode.claimSignatureValidated, .success, url: sigURL, "claim signature valid")
            } else {
                add(StatusCode.claimSignatureMismatch, .failure, url: sigURL, "claim signature does not match")
            }
            checkRevocation(leaf: leaf, intermediates: Array(certs.dropFirst()), signedAt: trustedTimeStamp, url: sigURL)
            add(StatusCode.signingCredentialOCSPSkipped, .informational, url: sigURL, "OCSP not checked")
            return signer
        }

        /// The signing certificate against the revocation lists of its issuer (found among the chain and
        /// the anchors). A certificate revoked after a trusted time-stamp of the signature still signed
        /// validly (the time-stamp proves when); otherwise revocation is a failure.
        mutating func checkRevocation(leaf: Certificate, intermediates: [Certificate], signedAt: Int64?, url: String) {
            guard !trust.revocationLists.isEmpty,
                let issuer = (intermediates + trust.anchors).first(where: { $0.issued(leaf) })
            else { return }
            let lists = trust.revocationLists.filter { $0.isIssued(by: issuer) }
            guard !lists.isEmpty else { return }
            let date = { (t: Int64) in Assertions.iso8601(Date(timeIntervalSince1970: TimeInterval(t))) }
            guard let revoked = lists.compactMap({ $0.revocationTime(of: leaf) }).min() else {
                add(StatusCode.assayNotRevoked, .informational, url: url,
                    "signing certificate is not on the issuer's revocation list (\(lists.count) checked)")
                return
            }
            if let signedAt, signedAt < revoked {
                add(StatusCode.assayNotRevoked, .informational, url: url,
                    "signing certificate revoked on \(date(revoked)), after the time-stamped signature (\(date(signedAt)))")
            } else {
                add(StatusCode.signingCredentialRevoked, .failure, url: url,
                    "signing certificate revoked on \(date(revoked)) (revocation list of \(issuer.subjectCommonName ?? "its issuer"))")
            }
        }

        mutating func checkAssertions(_ m: Manifest, base: String, bindToAsset: Bool, depth: Int) {
            let alg = m.claimHashAlgorithm ?? "sha256"
            var referenced = Set<String>()
            var hardBindings = [(String, JUMBFSuperbox)]()
            var ingredients = [JUMBFSuperbox]()
            for ref in m.assertionReferences {
                guard let (ml, path) = ref.resolve(relativeTo: m.label), let target = lookup(ml, path) else {
                    add(StatusCode.assertionMissing, .failure, url: ref.url, "assertion not found: \(ref.url)")
                    continue
                }
                let label = target.label ?? ""
                let url = "\(base)/c2pa.assertions/\(label)"
                referenced.insert(label)
                let h = Digest.hash(ref.alg ?? alg, target.hashedBytes())
                if h == ref.hash {
                    add(StatusCode.assertionHashedURIMatch, .success, url: url, "hashed uri matched: \(url)")
                } else {
                    add(
                        StatusCode.assertionHashedURIMismatch, .failure, url: url,
                        "hash does not match assertion data: \(url)")
                    continue
                }
                if label.hasPrefix("c2pa.hash.") { hardBindings.append((label, target)) }
                if label.hasPrefix("c2pa.ingredient") { ingredients.append(target) }
                if label.hasPrefix("c2pa.actions") { checkActions(target, url: url) }
            }
            for a in m.assertions where !referenced.contains(a.label ?? "") {
                add(
                    StatusCode.assertionUndeclared, .failure, url: "\(base)/c2pa.assertions/\(a.label ?? "")",
                    "assertion is not referenced by the claim")
            }
            if bindToAsset {
                if hardBindings.isEmpty {
                    add(StatusCode.claimHardBindingsMissing, .failure, url: base, "claim has no hard binding")
                } else if hardBindings.count > 1 {
                    add(StatusCode.assertionMultipleHardBindings, .failure, url: base, "more than one hard binding")
                } else {
                    checkBMFF(hardBindings[0].0, hardBindings[0].1, url: "\(base)/c2pa.assertions/\(hardBindings[0].0)")
                }
            }
            for ing in ingredients { checkIngredient(ing, base: base, depth: depth) }
        }

        func lookup(_ manifestLabel: String, _ path: [String]) -> JUMBFSuperbox? {
            guard let m = store.manifest(labeled: manifestLabel) else { return nil }
            var node: JUMBFSuperbox? = m.superbox
            for p in path { node = node?.child(labeled: p) }
            return node
        }

        mutating func checkActions(_ box: JUMBFSuperbox, url: String) {
            guard let p = box.contents(ofType: "cbor").first, let c = try? CBOR.decode(p),
                let acts = c["actions"]?.arrayValue, !acts.isEmpty,
                acts.allSatisfy({ $0["action"]?.textValue != nil })
            else {
                add(StatusCode.assertionActionMalformed, .failure, url: url, "actions assertion is malformed")
                return
            }
        }

        mutating func checkBMFF(_ label: String, _ box: JUMBFSuperbox, url: String) {
            guard label.hasPrefix("c2pa.hash.bmff") else {
                // Data/box hashes do not apply to BMFF files.
                add(StatusCode.assertionBMFFHashMalformed, .failure, url: url, "hard binding \(label) does not fit MP4")
                return
            }
            let assertion: BMFFHashAssertion
            do {
                guard let p = box.contents(ofType: "cbor").first else {
                    throw C2PAError.malformedManifest("bmff hash has no cbor content")
                }
                assertion = try BMFFHashAssertion(cbor: try CBOR.decode(p))
            } catch {
                add(StatusCode.assertionBMFFHashMalformed, .failure, url: url, "\(error)")
                return
            }
            if assertion.hasMerkle && assertion.hash.isEmpty {
                add(
                    StatusCode.assertionBMFFHashMalformed, .failure, url: url,
                    "Merkle-tree (fragment) BMFF hashes are not supported yet")
                return
            }
            do {
                let h = try assertion.computeHash(source: source, tree: tree, withOffsets: label != "c2pa.hash.bmff")
                if h == assertion.hash {
                    add(StatusCode.assertionBMFFHashMatch, .success, url: url, "BMFF hash valid")
                } else {
                    add(StatusCode.assertionBMFFHashMismatch, .failure, url: url, "BMFF hash does not match the file")
                }
            } catch {
                add(
                    StatusCode.assertionBMFFHashMismatch, .failure, url: url,
                    "BMFF hash could not be computed: \(error)")
            }
            if assertion.hasAdditionalExclusions {
                add(
                    StatusCode.assertionBMFFHashAdditionalExclusions, .informational, url: url,
                    "exclusions beyond /uuid, /ftyp, /mfra")
            }
        }

        mutating func checkIngredient(_ box: JUMBFSuperbox, base: String, depth: Int) {
            guard let p = box.contents(ofType: "cbor").first, let c = try? CBOR.decode(p) else { return }
            let ref = (c["activeManifest"] ?? c["c2pa_manifest"]).flatMap(HashedURI.init(cbor:))
            guard let ref else { return }
            let uri = "\(base)/c2pa.assertions/\(box.label ?? "")"
            var sub = Run(store: store, trust: trust, source: source, tree: tree)
            sub.visited = visited
            guard let (ml, path) = ref.resolve(relativeTo: ""), let im = store.manifest(labeled: ml) else {
                sub.add(StatusCode.ingredientManifestMissing, .failure, url: ref.url, "ingredient manifest missing")
                deltas.append((uri, sub.statuses))
                return
            }
            let target = path.isEmpty ? im.superbox : lookup(ml, path)
            let manifestURL = "self#jumbf=/c2pa/\(ml)"
            if let target, Digest.hash(ref.alg ?? "sha256", target.hashedBytes()) == ref.hash {
                sub.add(StatusCode.ingredientManifestValidated, .success, url: manifestURL, "ingredient hash matched")
            } else if let sigRef = c["claimSignature"].flatMap(HashedURI.init(cbor:)),
                let sb = im.superbox.child(labeled: "c2pa.signature"),
                Digest.hash(sigRef.alg ?? "sha256", sb.hashedBytes()) == sigRef.hash
            {
                sub.add(
                    StatusCode.ingredientClaimSignatureValidated, .success, url: manifestURL,
                    "ingredient claim signature matched")
            } else {
                sub.add(
                    StatusCode.ingredientClaimSignatureMismatch, .failure, url: manifestURL,
                    "ingredient manifest hash mismatch")
            }
            // The ingredient's own manifest: signature and assertion hashes (not the asset binding).
            _ = sub.validate(im, bindToAsset: false, depth: depth + 1)
            visited = sub.visited
            deltas.append((uri, sub.statuses))
            deltas.append(contentsOf: sub.deltas)
        }
    }
}

/// Builds the X509_STORE for a trust setting (anchors are few; rebuilt per call).
enum TrustStoreCache {
    static func store(for trust: TrustSettings) -> TrustStore? { try? TrustStore(anchors: trust.anchors) }
}

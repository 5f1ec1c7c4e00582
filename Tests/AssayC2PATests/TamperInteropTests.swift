import AssayBMFF
import AssayC2PA
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// c2pa-python signs; Assay validates the file and tampered variants and must agree with
/// c2pa-python on the state and the failure codes.
@Suite(
    "c2pa-python-signed files in Assay",
    .enabled(if: Interop.available, "c2pa-python not installed (run scripts/install-deps.sh python)"))
struct TamperInteropTests {
    enum Variant: String, CaseIterable, Sendable {
        case untouched, mdatByte, moovByte, assertionByte, saltByte, claimByte, signatureByte, removed, wrongAnchor
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int = 0) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    static func locate(_ i: Int?) throws -> Int {
        guard let i else { throw InteropError(message: "pattern not found in the signed file") }
        return i
    }

    /// Applies a variant to the signed bytes; returns nil bytes for "unchanged".
    static func tamper(_ bytes: [UInt8], _ v: Variant) throws -> [UInt8] {
        var b = bytes
        let tree = try BoxTree.parse(MemoryByteSource(bytes))
        let c2pa = try #require(tree.boxes.first { $0.type == "uuid" && $0.userType == KnownBoxes.c2paUUID })
        switch v {
        case .untouched, .wrongAnchor: break
        case .mdatByte:
            let mdat = try #require(tree.first("mdat"))
            b[Int(mdat.offset + mdat.size / 2)] ^= 0xff
        case .moovByte:
            let mvhd = try #require(tree.boxes(atPath: ["moov", "mvhd"]).first)
            b[Int(mvhd.offset) + 20] ^= 0x01
        case .assertionByte:
            let i = try locate(find(Array("trainedAlgorithmicMedia".utf8), in: b, from: Int(c2pa.offset)))
            b[i] = UInt8(ascii: "T")
        case .saltByte:
            let i = try locate(find(Array("c2sh".utf8), in: b, from: Int(c2pa.offset)))
            b[i + 4] ^= 0x55
        case .claimByte:
            let i = try locate(find(Array("interop-harness".utf8), in: b, from: Int(c2pa.offset)))
            b[i] = UInt8(ascii: "I")
        case .signatureByte:
            b[Int(c2pa.end) - 1] ^= 0x01
        case .removed:
            b.removeSubrange(Int(c2pa.offset)..<Int(c2pa.end))
        }
        return b
    }

    @Test("state and failure codes agree with c2pa-python", arguments: Variant.allCases, [2, 1])
    func agree(variant: Variant, claimVersion: Int) throws {
        let pki = try TestPKI.shared.get()
        _ = try pki.identity(.es256)
        let dir = try TemporaryDirectory()
        let signed = dir.path("py-signed.mp4")
        try Interop.sign(
            try TestFixtures.generated("h264_aac.mp4"), signed, cert: pki.certPath(.es256),
            key: pki.keyPath(.es256), alg: "es256", claimVersion: claimVersion)
        let file = dir.path("variant.mp4")
        try Data(try Self.tamper(Array(try Data(contentsOf: signed)), variant)).write(to: file)
        var trust = pki.trust
        var anchors = pki.rootPath
        if variant == .wrongAnchor {
            let other = try CertificateFactory.makeRootCA(commonName: "Unrelated Root", organization: "Elsewhere")
            trust = TrustSettings(anchors: [other.certificate])
            anchors = dir.path("other.pem")
            try Data(try other.certificate.pem()).write(to: anchors)
        }
        let py = try Interop.read(file, anchors: anchors)
        var ourState = "error"
        var ourFailures = [String]()
        var ourSuccess = [String]()
        var ourInfo = [String]()
        do {
            let r = try ManifestValidator.validate(path: file.path, trust: trust)
            ourState = r.state.rawValue
            ourFailures = r.codes(.failure)
            ourSuccess = r.codes(.success)
            ourInfo = r.codes(.informational)
        } catch let e as C2PAError where e.code == .manifestNotFound {
            ourState = "ManifestNotFound"
        }
        let pyState = py.state ?? (py.error?.contains("ManifestNotFound") == true ? "ManifestNotFound" : "error")
        print(
            "| v\(claimVersion) \(variant.rawValue) | c2pa-python \(pyState) \(py.failures) | Assay \(ourState) \(ourFailures) |"
        )
        #expect(ourState == pyState)
        #expect(Set(ourFailures) == Set(py.failures))
        if variant == .untouched {
            #expect(ourState == "Trusted")
            // Same success and informational entries (codes and counts), not only the same state.
            #expect(ourSuccess.sorted() == py.success.sorted())
            #expect(ourInfo.sorted() == py.informational.sorted())
        }
        if variant == .mdatByte || variant == .moovByte { #expect(ourFailures.contains("assertion.bmffHash.mismatch")) }
    }
}

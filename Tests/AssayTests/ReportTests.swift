@testable import Assay
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite struct ReportTests {
    static func sampleReport(thumbnails: Bool = false) throws -> VerifyReport {
        let id = ContentID(high: 0xabcdef01_23456789, low: 42)
        var m = ManifestEvidence(
            state: .trusted,
            statuses: [.init(code: "claimSignature.validated", kind: .success),
                       .init(code: "signingCredential.ocsp.skipped", kind: .informational)],
            activeManifest: "urn:c2pa:1234", signer: .init(commonName: "Assay <Dev> Signer", issuer: "Assay Dev Root",
                                                           algorithm: "ES256"),
            softBinding: id, source: .recoveredByWatermark)
        m.label = ContentLabel(contentID: id, producer: "Acme & Co", generator: .init(name: "gen", version: "2.1"),
                               created: Date(timeIntervalSince1970: 1_760_000_000))
        let w = WatermarkEvidence(
            present: true, pValue: 3e-40, threshold: 1e-6, payload: id.watermarkPayload,
            segments: [.init(start: .zero, end: MediaTime(seconds: 2), pValue: 1e-41, present: true,
                             payload: id.watermarkPayload),
                       .init(start: MediaTime(seconds: 2), end: MediaTime(seconds: 3), pValue: 0.3, present: false)])
        let c = ClassifierEvidence(modelID: "npr-lr-v1", score: 0.2, decision: .noArtifactsFound,
                                   segments: [.init(start: .zero, end: MediaTime(seconds: 3), score: 0.2)])
        let v = Verdict.fuse(manifest: m, watermark: w, classifier: c)
        let c2pa: JSONValue = .object([
            ("active_manifest", .string("urn:c2pa:1234")),
            ("manifests", .object([
                ("urn:c2pa:1234", .object([("title", .string("out.mp4")),
                                           ("ingredients", .array([.object([("title", .string("in.mp4")),
                                                                            ("relationship", .string("parentOf")),
                                                                            ("active_manifest", .string("urn:c2pa:0001"))])]))])),
                ("urn:c2pa:0001", .object([("title", .string("in.mp4"))])),
            ])),
        ])
        var thumbs: [VerifyReport.Thumbnail] = []
        if thumbnails {
            let f = try Frame(width: 64, height: 36, y: 180, u: 90, v: 200)
            thumbs.append(.init(time: MediaTime(seconds: 1), png: PNGEncoder.thumbnail(f)))
        }
        return VerifyReport(
            file: .init(path: "/tmp/x/clip <1>.mp4", size: 1234, format: "mp4", duration: 3, width: 64, height: 36),
            verdict: v,
            aigc: [.init(label: AIGCLabel(m.label!, reservedCode1: "sha256:00"), source: .mp4Metadata, integrity: .ok)],
            c2pa: c2pa, elapsedSeconds: 0.5, thumbnails: thumbs)
    }

    @Test func jsonRoundTripAndSchema() throws {
        let r = try Self.sampleReport()
        let data = try r.jsonData()
        let back = try VerifyReport.decode(data)
        #expect(back.verdict == r.verdict)
        #expect(back.c2pa == r.c2pa)
        #expect(back.exitCode == 0)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""schema" : "assay.verify/2""#))
        let future = text.replacingOccurrences(of: "assay.verify/2", with: "assay.verify/9")
        #expect(throws: AssayCoreError.unsupportedSchema("")) { try VerifyReport.decode(Data(future.utf8)) }
    }

    /// Watermark payloads are 16 hex digits in JSON: as numbers, readers that hold numbers as doubles (JavaScript,
    /// jq) round them above 2^53. A `/1` report, with numbers, still reads back exactly.
    @Test func watermarkPayloadsAreHexStringsAndVersionOneStillReads() throws {
        let payload: UInt64 = 0xE899_5F5A_1C3B_2D01  // above 2^53 and not a multiple of 2^11: a double would change it
        var w = WatermarkEvidence(present: true, pValue: 1e-20, threshold: 1e-6, segments: [
            .init(start: .zero, end: MediaTime(seconds: 2), pValue: 1e-20, present: true, payload: payload),
        ], candidatePayloads: [payload, 7])
        w.confirm(candidate: payload, by: .manifestRepository)
        let r = VerifyReport(file: .init(path: "a.mp4"), verdict: Verdict(outcome: .verified, reasons: [], watermark: w))
        let data = try r.jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let watermark = try #require((object["verdict"] as? [String: Any])?["watermark"] as? [String: Any])
        #expect(watermark["payload"] as? String == "e8995f5a1c3b2d01")
        #expect((watermark["segments"] as? [[String: Any]])?.first?["payload"] as? String == "e8995f5a1c3b2d01")
        #expect(watermark["payloadConfirmation"] as? String == "manifest-repository")
        #expect(try VerifyReport.decode(data).verdict.watermark == w)
        // Unconfirmed candidates are hex strings too.
        let open = WatermarkEvidence(present: true, pValue: 1e-20, threshold: 1e-6, candidatePayloads: [payload, 7])
        let openJSON = String(decoding: try JSONEncoder().encode(open), as: UTF8.self)
        #expect(openJSON.contains(#""candidatePayloads":["e8995f5a1c3b2d01","0000000000000007"]"#), "\(openJSON)")

        // The same report as schema 1 wrote it: payloads as JSON numbers.
        let v1 = String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "assay.verify/2", with: "assay.verify/1")
            .replacingOccurrences(of: "\"e8995f5a1c3b2d01\"", with: "16760532328861347073")
        #expect(!v1.contains("e8995f5a1c3b2d01"))
        let old = try VerifyReport.decode(Data(v1.utf8))
        #expect(old.verdict.watermark?.payload == payload)
        #expect(old.verdict.watermark?.segments.first?.payload == payload)
        // A payload string that is not 16 hex digits is a decoding error, not a zero.
        let bad = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "e8995f5a1c3b2d01", with: "xyz")
        #expect(throws: (any Error).self) { try VerifyReport.decode(Data(bad.utf8)) }
    }

    @Test func textPutsVerdictFirstAndCoversEachLane() throws {
        let text = TextReport(colour: false).render(try Self.sampleReport())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("VERIFIED  clip <1>.mp4  (exit 0)"))
        #expect(lines[1].contains("manifest recovered by watermark: Trusted"))
        for needle in ["Manifest", "signer", "Watermark", "Classifier", "AIGC label", "no-artifacts-found", "gen 2.1"] {
            #expect(text.contains(needle), "missing \(needle)")
        }
        #expect(!text.contains("\u{1B}["))
        #expect(TextReport(colour: true).render(try Self.sampleReport()).hasPrefix("\u{1B}[1;32mVERIFIED"))
    }

    @Test func pngIsValid() throws {
        let f = try Frame(width: 300, height: 100, y: 100)
        let png = PNGEncoder.thumbnail(f, maxWidth: 150)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Decode with an independent implementation: Python's zlib and struct.
        let dir = try TemporaryDirectory()
        let path = try dir.write("t.png", png)
        let script = """
            import struct, sys, zlib
            d = open(sys.argv[1], 'rb').read()
            pos, idat = 8, b''
            while pos < len(d):
                n, t = struct.unpack('>I4s', d[pos:pos+8]); body = d[pos+8:pos+8+n]
                assert zlib.crc32(t + body) == struct.unpack('>I', d[pos+8+n:pos+12+n])[0], t
                if t == b'IHDR': w, h = struct.unpack('>II', body[:8])
                if t == b'IDAT': idat += body
                pos += 12 + n
            raw = zlib.decompress(idat)
            assert len(raw) == (w * 3 + 1) * h
            print(w, h, raw[1], raw[2], raw[3])
            """
        let r = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, path.path])
        #expect(r.status == 0, "\(r.stderrText)")
        // Y=100, U=V=128 -> grey 1.164*84 = 97.8 -> 98
        #expect(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "150 50 98 98 98")
    }

    @Test func htmlEscapesAndEmbedsJSON() throws {
        let html = try HTMLReport().render(try Self.sampleReport(thumbnails: true))
        #expect(html.contains("clip &lt;1&gt;.mp4"))
        #expect(!html.contains("clip <1>.mp4"))
        #expect(html.contains("Acme &amp; Co"))
        #expect(html.contains("data:image/png;base64,"))
        #expect(!html.contains("http://") || html.contains("cv.iptc.org"))  // no external resources beyond data
        let start = html.range(of: #"<script type="application/json" id="assay-report">"#)!.upperBound
        let end = html.range(of: "</script>", range: start..<html.endIndex)!.lowerBound
        let embedded = String(html[start..<end])
        #expect(try VerifyReport.decode(Data(embedded.utf8)).verdict.outcome == .verified)
    }
}

import AssayCore
import Foundation
import Testing

@Suite struct AIGCLabelTests {
    @Test func fromContentLabelAndRoundTrip() throws {
        let id = ContentID(high: 1, low: 2)
        let content = ContentLabel(contentID: id, producer: "Acme \"Video\" 有限公司", generator: .init(name: "g", version: "1"))
        let label = AIGCLabel(content, reservedCode1: "sha256:abc")
        #expect(label.kind == .generated)
        #expect(label.produceID == id.hex)
        let text = label.jsonString()
        #expect(text.hasPrefix(#"{"Label":"1","ContentProducer":"Acme \"Video\" 有限公司","ProduceID":""#))
        #expect(try AIGCLabel.parse(text) == label)
    }

    @Test func parsesWrappedFormAndNumbers() throws {
        let l = try AIGCLabel.parse(#"{"AIGC":{"Label":2,"ContentProducer":"p","ProduceID":"x"}}"#)
        #expect(l.kind == .possiblyGenerated)
        #expect(l.contentPropagator == "")
    }

    @Test(arguments: ["", "[]", "{", #"{"ContentProducer":"p"}"#, "null"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: AssayCoreError.invalidValue("")) { try AIGCLabel.parse(text) }
    }

    /// Regression (fuzz-aigc, session 2): a 61 KB label full of `\f` escapes parsed, but written back with
    /// `\u000c` it passed the 64 KiB limit and no longer parsed. What parses must survive our own encoding.
    @Test func whatParsesRoundTripsNearTheLimit() throws {
        let crash = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/aigc/regression-roundtrip-64k")
        let bytes = try Data(contentsOf: crash).dropFirst()  // the fuzzer's first byte picks the parser
        var texts = [String(decoding: bytes, as: UTF8.self)]
        for escape in [#"\f"#, #"\b"#, #"\u0001"#, #"\n"#] {
            let n = (AIGCLabel.maxTextLength - 40) / escape.utf8.count
            texts.append(#"{"Label":""# + String(repeating: escape, count: n) + #"","ContentProducer":7}"#)
        }
        for text in texts {
            guard let label = try? AIGCLabel.parse(text) else { continue }
            let written = label.jsonString()
            #expect(written.utf8.count <= AIGCLabel.maxTextLength)
            #expect(try AIGCLabel.parse(written) == label, "a label of \(text.utf8.count) bytes did not round-trip")
        }
        // Short escapes keep the written form no longer than the read form here.
        let f = try AIGCLabel.parse(#"{"Label":"\f\b"}"#)
        #expect(f.jsonString().hasPrefix(#"{"Label":"\f\b","#))
    }

    @Test func rejectsHugeInput() {
        let big = "{\"Label\":\"" + String(repeating: "a", count: 70_000) + "\"}"
        #expect(throws: AssayCoreError.self) { try AIGCLabel.parse(big) }
    }
}

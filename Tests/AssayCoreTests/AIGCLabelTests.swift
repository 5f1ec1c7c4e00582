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

    @Test func rejectsHugeInput() {
        let big = "{\"Label\":\"" + String(repeating: "a", count: 70_000) + "\"}"
        #expect(throws: AssayCoreError.self) { try AIGCLabel.parse(big) }
    }
}

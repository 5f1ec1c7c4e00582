import AssayCore
import Foundation
import Testing

@Suite struct ContentIDTests {
    @Test func hexRoundTrip() throws {
        let id = try ContentID(hex: "00112233445566778899AABBCCDDEEFF")
        #expect(id.hex == "00112233445566778899aabbccddeeff")
        #expect(id.uuidString == "00112233-4455-6677-8899-aabbccddeeff")
        #expect(try ContentID(hex: id.uuidString) == id)
        #expect(id.watermarkPayload == 0x0011_2233_4455_6677)
    }

    @Test(arguments: ["", "0011", "zz112233445566778899aabbccddeeff", "00112233445566778899aabbccddeeff00"])
    func rejectsMalformedHex(_ text: String) {
        #expect(throws: AssayCoreError.invalidContentID("")) { try ContentID(hex: text) }
    }

    @Test func halvesMatchBytes() throws {
        let id = ContentID(high: 0x0102_0304_0506_0708, low: 0x090a_0b0c_0d0e_0f10)
        #expect(id.bytes == Array(1...16))
        #expect(throws: AssayCoreError.self) { try ContentID(bytes: [1, 2, 3]) }
    }

    @Test func randomIDsDiffer() {
        var seen = Set<ContentID>()
        for _ in 0..<1000 { seen.insert(.random()) }
        #expect(seen.count == 1000)
    }

    @Test func codableAsHexString() throws {
        let id = try ContentID(hex: "ffeeddccbbaa99887766554433221100")
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["ffeeddccbbaa99887766554433221100"]"#)
        #expect(try JSONDecoder().decode([ContentID].self, from: data) == [id])
        #expect(throws: AssayCoreError.self) {
            try JSONDecoder().decode([ContentID].self, from: Data(#"["nothex"]"#.utf8))
        }
    }
}

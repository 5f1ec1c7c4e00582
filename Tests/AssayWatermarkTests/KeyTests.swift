import AssayTestSupport
import Foundation
import Testing
@testable import AssayWatermark

@Suite("Watermark key")
struct KeyTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        #expect(WatermarkKey.hex(SHA256.hash(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(WatermarkKey.hex(SHA256.hash([]))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(WatermarkKey.hex(SHA256.hash(long))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("key file round trip, mode 0600")
    func fileRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("wm.key").path
        let key = WatermarkKey.generate()
        try key.write(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let loaded = try WatermarkKey.load(path: path)
        #expect(loaded == key)
        #expect(loaded.fingerprint == key.fingerprint)
        // Refuses to overwrite by default.
        #expect(throws: WatermarkError.keyFileIO("")) { try WatermarkKey.generate().write(path: path) }
    }

    @Test("group/world-readable key files are refused")
    func refusesInsecureFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("open.key").path
        try testKey(1).write(path: path)
        chmod(path, 0o644)
        #expect(throws: WatermarkError.insecureKeyFile("")) { try WatermarkKey.load(path: path) }
        chmod(path, 0o640)
        #expect(throws: WatermarkError.insecureKeyFile("")) { try WatermarkKey.load(path: path) }
    }

    @Test("malformed key files are refused without echoing content")
    func malformed() throws {
        #expect(throws: WatermarkError.invalidKey("")) { try WatermarkKey(fileContents: "hello\n") }
        #expect(throws: WatermarkError.invalidKey("")) {
            try WatermarkKey(fileContents: "assay-watermark-key v1\n" + String(repeating: "z", count: 64) + "\n")
        }
        #expect(throws: WatermarkError.invalidKey("")) { try WatermarkKey(bytes: [1, 2, 3]) }
    }

    @Test("description and fingerprint never contain the secret")
    func neverPrintsSecret() {
        let key = testKey(3)
        let secretHex = WatermarkKey.hex(key.secret)
        #expect(!key.description.contains(secretHex))
        #expect(!"\(key)".contains(String(secretHex.prefix(16))))
        #expect(key.fingerprint.count == 16)
        #expect(key.fingerprint != String(secretHex.prefix(16)))
        #expect(testKey(3).fingerprint == key.fingerprint)
        #expect(testKey(4).fingerprint != key.fingerprint)
    }
}

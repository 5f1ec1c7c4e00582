@testable import AssayC2PA
import AssayCore
import Testing

@Suite("JUMBF")
struct JUMBFTests {
    func sample() -> JUMBFSuperbox {
        let assertion = JUMBFSuperbox(
            description: JUMBFDescription(
                type: JUMBF.c2paUUID("cbor"), label: "c2pa.actions.v2",
                salt: [UInt8](repeating: 7, count: 16)),
            children: [.content(type: "cbor", payload: CBOR.textMap([("a", .int(1))]).encoded())])
        let store = JUMBFSuperbox(
            description: JUMBFDescription(type: JUMBF.c2paUUID("c2as"), label: "c2pa.assertions"),
            children: [.superbox(assertion)])
        return JUMBFSuperbox(
            description: JUMBFDescription(type: JUMBF.c2paUUID("c2pa"), label: "c2pa"),
            children: [.superbox(store)])
    }

    @Test("round trip is byte-identical and toggles are 0x03 / 0x13")
    func roundTrip() throws {
        let bytes = sample().bytes()
        let parsed = try JUMBFSuperbox.parse(bytes)
        #expect(parsed.bytes() == bytes)
        #expect(parsed.description.toggles == 0x03)
        let a = try #require(parsed.child(labeled: "c2pa.assertions")?.child(labeled: "c2pa.actions.v2"))
        #expect(a.description.toggles == 0x13)
        #expect(a.description.salt == [UInt8](repeating: 7, count: 16))
        // Hashed bytes = the superbox minus its 8-byte header.
        #expect(a.hashedBytes() == Array(a.bytes().dropFirst(8)))
    }

    @Test("the c2pa-rs jumd layout: UUID, toggles, label NUL, c2sh box")
    func jumdLayout() {
        let d = JUMBFDescription(type: JUMBF.c2paUUID("cbor"), label: "x", salt: [UInt8](repeating: 1, count: 16))
        let b = d.canonicalBytes()
        #expect(Array(b[4..<8]) == Array("jumd".utf8))
        #expect(Array(b[8..<12]) == Array("cbor".utf8))
        #expect(b[24] == 0x13)
        #expect(Array(b[25..<27]) == [UInt8(ascii: "x"), 0])
        #expect(Array(b[31..<35]) == Array("c2sh".utf8))
        #expect(b.count == 8 + 16 + 1 + 2 + 24)
    }

    @Test(
        "hostile JUMBF gives malformedJUMBF with an offset",
        arguments: [
            "truncated", "oversized", "no jumd", "unterminated label", "trailing", "not jumb", "tiny jumd",
        ])
    func hostile(kind: String) throws {
        var b = sample().bytes()
        switch kind {
        case "truncated": b.removeLast(5)
        case "oversized": b[3] = 0xff; b[2] = 0xff
        case "no jumd": b = [0, 0, 0, 16] + Array("jumb".utf8) + [0, 0, 0, 8] + Array("cbor".utf8)
        case "unterminated label":
            b =
                [0, 0, 0, 34] + Array("jumb".utf8) + [0, 0, 0, 26] + Array("jumd".utf8) + JUMBF.c2paUUID("c2pa") + [
                    0x03, 0x41,
                ]
        case "trailing": b += [0, 0]
        case "not jumb": b[4] = UInt8(ascii: "x")
        case "tiny jumd": b = [0, 0, 0, 20] + Array("jumb".utf8) + [0, 0, 0, 12] + Array("jumd".utf8) + [1, 2, 3, 4]
        default: break
        }
        #expect {
            _ = try JUMBFSuperbox.parse(b)
        } throws: { error in
            guard let e = error as? C2PAError else { return false }
            return e.code == .malformedJUMBF && e.location?.offset != nil
        }
    }

    @Test("deeply nested superboxes are refused")
    func deep() {
        var inner = JUMBFSuperbox(description: JUMBFDescription(type: JUMBF.c2paUUID("c2pa"), label: "x"), children: [])
        for _ in 0..<40 {
            inner = JUMBFSuperbox(
                description: JUMBFDescription(type: JUMBF.c2paUUID("c2pa"), label: "x"),
                children: [.superbox(inner)])
        }
        #expect(throws: C2PAError.self) { _ = try JUMBFSuperbox.parse(inner.bytes()) }
    }

    @Test("a store with two manifests of the same label is refused")
    func duplicateManifests() throws {
        func manifest() -> JUMBFNode {
            .superbox(
                JUMBFSuperbox(
                    description: JUMBFDescription(type: JUMBF.c2paUUID("c2ma"), label: "urn:c2pa:dup"),
                    children: [
                        .superbox(
                            JUMBFSuperbox(
                                description: JUMBFDescription(type: JUMBF.c2paUUID("c2cl"), label: "c2pa.claim.v2"),
                                children: [.content(type: "cbor", payload: CBOR.map([]).encoded())]))
                    ]))
        }
        let store = JUMBFSuperbox(
            description: JUMBFDescription(type: JUMBF.c2paUUID("c2pa"), label: "c2pa"),
            children: [manifest(), manifest()])
        #expect(throws: C2PAError.self) { _ = try ManifestStore(jumbf: store.bytes()) }
    }
}

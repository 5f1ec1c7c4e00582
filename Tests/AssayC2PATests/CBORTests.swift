@testable import AssayC2PA
import AssayCore
import Testing

@Suite("CBOR")
struct CBORTests {
    @Test("round trip keeps values and map order")
    func roundTrip() throws {
        let v: CBOR = .textMap([
            ("z", .int(-1)), ("a", .unsigned(UInt64.max)), ("bytes", .bytes([0, 1, 2])),
            ("arr", .array([.bool(true), .null, .float(1.5), .tagged(18, .text("x"))])),
            ("neg", .int(Int64.min)), ("simple", .simple(40)), ("undef", .undefined),
        ])
        let enc = v.encoded()
        let dec = try CBOR.decode(enc)
        #expect(dec == v)
        #expect(dec.textKeys == ["z", "a", "bytes", "arr", "neg", "simple", "undef"])
    }

    @Test(
        "RFC 8949 appendix A vectors",
        arguments: [
            (CBOR.unsigned(0), "00"), (.unsigned(23), "17"), (.unsigned(24), "1818"), (.unsigned(1000), "1903e8"),
            (.unsigned(1_000_000), "1a000f4240"), (.unsigned(1_000_000_000_000), "1b000000e8d4a51000"),
            (.int(-1), "20"), (.int(-1000), "3903e7"), (.text("IETF"), "6449455446"),
            (.bytes([1, 2, 3, 4]), "4401020304"),
            (.array([.unsigned(1), .array([.unsigned(2), .unsigned(3)])]), "8201820203"), (.bool(false), "f4"),
        ])
    func vectors(value: CBOR, hex: String) throws {
        #expect(value.encoded() == Self.bytes(hex))
        #expect(try CBOR.decode(Self.bytes(hex)) == value)
    }

    @Test("half and single floats decode")
    func floats() throws {
        #expect(try CBOR.decode(Self.bytes("f93c00")) == .float(1.0))
        #expect(try CBOR.decode(Self.bytes("f9c400")) == .float(-4.0))
        #expect(try CBOR.decode(Self.bytes("fa47c35000")) == .float(100000.0))
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out = [UInt8]()
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    @Test(
        "hostile input gives a typed error with an offset",
        arguments: [
            ("truncated map", "a2616101"),
            ("huge byte string length", "5bffffffffffffffff00"),
            ("huge array count", "9bffffffffffffff00"),
            ("huge map count", "bb7fffffffffffffff"),
            ("indefinite array", "9f01ff"),
            ("indefinite bytes", "5f4101ff"),
            ("reserved info", "1c"),
            ("lone break", "ff"),
            ("invalid UTF-8", "62c328"),
            ("trailing bytes", "0000"),
            ("truncated uint64", "1b0000"),
            ("empty", ""),
        ])
    func hostile(name: String, hex: String) {
        #expect {
            _ = try CBOR.decode(Self.bytes(hex))
        } throws: { error in
            guard let e = error as? C2PAError else { return false }
            return e.code == .malformedCBOR && e.location?.offset != nil
        }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let deep = [UInt8](repeating: 0x81, count: 100_000) + [0x00]
        #expect(throws: C2PAError.self) { _ = try CBOR.decode(deep) }
        let ok = [UInt8](repeating: 0x81, count: 20) + [0x00]
        #expect((try? CBOR.decode(ok)) != nil)
    }

    @Test("null map values count as absent")
    func nulls() throws {
        let m: CBOR = .textMap([("length", .null), ("xpath", .text("/uuid"))])
        #expect(m["length"] == nil)
        #expect(m["xpath"]?.textValue == "/uuid")
    }
}

import AssayCore
import Testing

@Suite struct FrameTests {
    @Test(arguments: [(2, 2), (3, 3), (1, 1), (1921, 1081)])
    func chromaRoundsUp(_ size: (Int, Int)) throws {
        let f = try Frame(width: size.0, height: size.1)
        #expect(f.cb.width == (size.0 + 1) / 2)
        #expect(f.cr.height == (size.1 + 1) / 2)
    }

    @Test func rejectsMismatchedChroma() throws {
        let y = try Plane(width: 4, height: 4, value: 0)
        let c = try Plane(width: 1, height: 2, value: 0)
        #expect(throws: AssayCoreError.invalidFrame("")) { try Frame(luma: y, cb: c, cr: c) }
    }

    @Test func planeValidatesSampleCount() throws {
        #expect(throws: AssayCoreError.self) { try Plane(width: 2, height: 2, samples: [1, 2, 3]) }
        #expect(throws: AssayCoreError.self) { try Plane(width: 0, height: 2, samples: []) }
        var p = try Plane(width: 2, height: 2, samples: [0, 10, 20, 30])
        #expect(p[1, 1] == 30)
        p[0, 1] = 40
        #expect(p.samples == [0, 10, 40, 30])
        #expect(p.mean == 20)
    }

    @Test func mediaTimeComparesAcrossTimescales() {
        #expect(MediaTime(value: 1, timescale: 30) < MediaTime(value: 1001, timescale: 30000))
        #expect(MediaTime(value: 15360, timescale: 15360) == MediaTime(value: 1, timescale: 1))
        #expect(MediaTime(value: Int64.max, timescale: 1) > MediaTime(value: Int64.max, timescale: 2))
        #expect(MediaTime(seconds: 1.5).description == "1.500s")
    }
}

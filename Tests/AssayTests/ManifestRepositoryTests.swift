import Assay
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite struct ManifestRepositoryTests {
    @Test func insertAndLookUpByPayload() throws {
        let dir = try TemporaryDirectory()
        let repo = try ManifestRepository(path: dir.path("db/manifests.sqlite").path)
        let a = ContentID(high: 0x1111_2222_3333_4444, low: 1)
        let b = ContentID(high: 0x1111_2222_3333_4444, low: 2)  // same 64-bit prefix
        let c = ContentID(high: 0x9999, low: 3)
        for (i, id) in [a, b, c].enumerated() {
            try repo.insert(StoredManifest(contentID: id, manifestLabel: "urn:c2pa:\(id.uuidString)",
                                           manifestStore: [UInt8](repeating: UInt8(i), count: 100 + i),
                                           created: Date(timeIntervalSince1970: Double(1000 + i))))
        }
        #expect(try repo.count() == 3)
        let hits = try repo.manifests(watermarkPayload: 0x1111_2222_3333_4444)
        #expect(hits.map(\.contentID) == [b, a])  // newest first
        #expect(try repo.manifest(contentID: c)?.manifestStore == [UInt8](repeating: 2, count: 102))
        #expect(try repo.manifests(watermarkPayload: 42).isEmpty)
    }

    @Test func reopeningKeepsRecordsAndReplaceIsIdempotent() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("m.sqlite").path
        let id = ContentID(high: UInt64.max, low: 7)  // payload with the top bit set (stored as a negative Int64)
        do {
            let repo = try ManifestRepository(path: path)
            try repo.insert(StoredManifest(contentID: id, manifestLabel: "x", manifestStore: [1]))
            try repo.insert(StoredManifest(contentID: id, manifestLabel: "y", manifestStore: [2]))
        }
        let again = try ManifestRepository(path: path)
        #expect(try again.count() == 1)
        #expect(try again.manifests(watermarkPayload: UInt64.max).first?.manifestLabel == "y")
    }

    @Test func notADatabaseIsATypedError() throws {
        let dir = try TemporaryDirectory()
        let bogus = try dir.write("bogus.sqlite", Array(repeating: 0x41, count: 4096))
        #expect(throws: AssayError(.repository, "")) { _ = try ManifestRepository(path: bogus.path) }
    }

    @Test func defaultPathFollowsXDG() {
        #expect(ManifestRepository.defaultPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/h"])
            == "/x/data/assay/manifests.sqlite")
        #expect(ManifestRepository.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/assay/manifests.sqlite")
    }
}

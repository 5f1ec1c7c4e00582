import AssayCore
import Foundation
import Testing

@Suite struct AtomicFileWriterTests {
    func tempDir() throws -> URL {
        let u = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    @Test func commitReplacesDestinationAndPatchesInPlace() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dest = dir.appendingPathComponent("out.bin").path
        try Data([9, 9]).write(to: URL(fileURLWithPath: dest))
        let w = try AtomicFileWriter(destinationPath: dest)
        try w.write([1, 2, 3, 4])
        try w.write([7, 7], at: 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest)) == Data([9, 9]))  // old content until commit
        try w.commit()
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest)) == Data([1, 7, 7, 4]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.bin"])
        // An output gets the usual mode (not mkstemp's 0600); a secret can ask for 0600.
        let mode = (try FileManager.default.attributesOfItem(atPath: dest)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o644 || mode == 0o664, "mode \(String(mode ?? 0, radix: 8))")
        let secret = dir.appendingPathComponent("key").path
        let s = try AtomicFileWriter(destinationPath: secret, permissions: 0o600)
        try s.write([1])
        try s.commit()
        #expect((try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func abandonedWriterLeavesNothing() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dest = dir.appendingPathComponent("out.bin").path
        do {
            let w = try AtomicFileWriter(destinationPath: dest)
            try w.write([1, 2, 3])
            #expect(FileManager.default.fileExists(atPath: w.temporaryPath))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func unwritableFolderIsATypedError() {
        #expect(throws: AssayCoreError.ioFailure("", errno: 0)) {
            _ = try AtomicFileWriter(destinationPath: "/nonexistent-dir-\(UUID().uuidString)/x.mp4")
        }
    }
}

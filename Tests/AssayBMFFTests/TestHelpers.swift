import AssayBMFF
import AssayTestSupport
import Foundation
import Testing

/// Helpers shared by the AssayBMFF tests.
enum Helpers {
    enum HelperError: Error { case missingTool(String) }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    static func ffmpeg() throws -> String {
        guard let p = Subprocess.which("ffmpeg") else { throw HelperError.missingTool("ffmpeg") }
        return p
    }

    /// `ffmpeg -v error -i file -f null -`: returns status and stderr (empty when the file decodes cleanly).
    static func decodeErrors(_ path: String) throws -> (Int32, String) {
        let r = try Subprocess.run(try ffmpeg(), ["-nostdin", "-v", "error", "-i", path, "-f", "null", "-"])
        return (r.status, r.stderrText)
    }

    /// Per-frame md5 lines of every stream (`ffmpeg -f framemd5`), comment lines dropped.
    static func frameMD5(_ path: String) throws -> [String] {
        let r = try Subprocess.run(try ffmpeg(), ["-nostdin", "-v", "error", "-i", path, "-f", "framemd5", "-"])
        #expect(r.status == 0, "framemd5 of \(path) failed: \(r.stderrText)")
        return r.stdoutText.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
    }

    /// A 1000-byte `uuid` box with a recognisable payload.
    static func thousandByteUUIDBox() -> [UInt8] {
        let userType: [UInt8] = Array(0..<16)
        return BoxBuilder.uuidBox(userType: userType, (0..<(1000 - 24)).map { UInt8($0 % 251) })
    }

    static func types(_ boxes: [Box]) -> [String] { boxes.map(\.type.description) }
}

import Foundation

/// A fresh directory under the system temp folder, removed when the value is deinitialised.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The directory.
    public let url: URL

    /// Creates the directory.
    public init(prefix: String = "assay-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
        url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func path(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes bytes to a file inside the directory and returns its URL.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let u = path(name)
        try Data(bytes).write(to: u)
        return u
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

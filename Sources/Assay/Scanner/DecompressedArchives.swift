import AssayArchive
import Foundation

/// The plain-tar copies of the `.tar.gz` archives one scan run reads, made once per archive in the
/// run's scratch folder (a gzip stream cannot be entered in the middle) and shared by the workers.
/// Workers asking for different archives decompress in parallel; two asking for the same one wait
/// for a single decompression.
final class DecompressedArchives: @unchecked Sendable {
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var result: Result<String, Error>?
    }

    private let directory: String
    private let limits: ArchiveLimits
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(directory: String, limits: ArchiveLimits) {
        self.directory = directory
        self.limits = limits
    }

    /// The decompressed tar of `archive` (decompressed on first use; a failure is remembered too).
    func tar(for archive: String) throws -> String {
        let entry = lock.withLock {
            if let e = entries[archive] { return e }
            let e = Entry()
            entries[archive] = e
            return e
        }
        return try entry.lock.withLock {
            if let result = entry.result { return try result.get() }
            let path = (directory as NSString).appendingPathComponent("archive-\(UUID().uuidString).tar")
            let result = Result { () throws -> String in
                try GzipReader.decompress(path: archive, to: path, limits: limits)
                return path
            }
            entry.result = result
            return try result.get()
        }
    }
}

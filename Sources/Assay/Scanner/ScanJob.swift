import AssayArchive
import AssayBMFF
import AssayCore
import Foundation

/// Scans many files: enumerates inputs, keeps a resumable job table, verifies in parallel, writes reports.
///
/// The job table (``ScanDatabase``) is the source of truth: `results.jsonl` is rewritten from it when
/// a run starts, then appended to (one flushed line per finished file), and all reports are rewritten
/// atomically when the run ends. A run killed at any point and started again with the same output
/// folder scans each file exactly once.
public final class ScanJob: Sendable {
    /// Options of a scan.
    public struct Options: Sendable {
        /// Worker threads (files verified at once).
        public var jobs: Int
        /// The output folder (reports, `scan.sqlite`, temp files for archive members).
        public var outputDirectory: String
        /// What to enumerate and how.
        public var enumerator: ScanInputEnumerator
        /// Compute SHA-256 of each file, so identical files are verified once.
        public var hashContent: Bool

        /// Creates options.
        public init(jobs: Int = 1, outputDirectory: String, enumerator: ScanInputEnumerator = ScanInputEnumerator(),
                    hashContent: Bool = true)
        {
            self.jobs = max(1, jobs)
            self.outputDirectory = outputDirectory
            self.enumerator = enumerator
            self.hashContent = hashContent
        }
    }

    /// Progress of a running scan.
    public struct Progress: Sendable {
        /// Files finished in this run.
        public var done: Int
        /// Files to scan in this run.
        public var total: Int
        /// Bytes finished in this run.
        public var bytesDone: Int64
        /// Bytes to scan in this run.
        public var bytesTotal: Int64
        /// Seconds since the run started.
        public var elapsed: Double
        /// The file just finished.
        public var last: String?
        /// Its bucket.
        public var lastBucket: String?
    }

    /// The options.
    public let options: Options
    private let verifier: any ClipVerifying
    private let database: ScanDatabase
    private let writer: ScanReportWriter
    private let lock = NSLock()

    /// Opens (or resumes) a scan whose state lives in `options.outputDirectory`.
    public init(verifier: any ClipVerifying, options: Options) throws {
        self.verifier = verifier
        self.options = options
        writer = try ScanReportWriter(directory: options.outputDirectory)
        database = try ScanDatabase(path: writer.path("scan.sqlite"))
    }

    /// Enumerates `inputs` and scans them.
    @discardableResult
    public func run(inputs: [String], progress: (@Sendable (Progress) -> Void)? = nil) throws -> ScanSummary {
        let found = options.enumerator.enumerate(inputs)
        return try run(items: found.items, problems: found.problems, progress: progress)
    }

    /// Scans a given list (a shard of a plan), recording enumeration problems as errors.
    @discardableResult
    public func run(items: [ScanItem], problems: [ScanInputEnumerator.Problem] = [],
                    progress: (@Sendable (Progress) -> Void)? = nil) throws -> ScanSummary
    {
        let problemItems = problems.map { ScanItem(path: $0.path, size: 0, modificationTime: 0) }
        try database.sync(items + problemItems)
        for (item, p) in zip(problemItems, problems) {
            try database.finish(item, outcome: nil, reportJSON: nil, error: p.message, contentSHA256: nil)
        }
        // results.jsonl restarts from the database, so a killed run never leaves a duplicate or a torn line.
        try writer.write("results.jsonl", try database.finished().map { try line(for: $0).jsonLine() + "\n" }.joined())
        let jsonl = try FileHandle(forWritingTo: URL(fileURLWithPath: writer.path("results.jsonl")))
        try jsonl.seekToEnd()
        defer { try? jsonl.close() }

        let total = try database.counts()[.pending] ?? 0
        let bytesTotal = try database.bytes(in: .pending)
        let start = Date()
        nonisolated(unsafe) var done = 0
        nonisolated(unsafe) var bytesDone: Int64 = 0
        nonisolated(unsafe) var firstError: Error?
        let tmp = writer.path(".members")
        try? FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let archives = DecompressedArchives(directory: tmp, limits: options.enumerator.archiveLimits)

        DispatchQueue.concurrentPerform(iterations: options.jobs) { worker in
            while true {
                let item: ScanItem
                do {
                    guard let next = try database.claimNext() else { return }
                    item = next
                } catch {
                    lock.withLock { firstError = firstError ?? error }
                    return
                }
                let result = process(item, tmp: tmp, worker: worker, archives: archives)
                do {
                    try database.finish(item, outcome: result.report?.verdict.outcome.rawValue,
                                        reportJSON: try result.report.map { String(decoding: try $0.jsonData(pretty: false), as: UTF8.self) },
                                        error: result.error, contentSHA256: result.sha256,
                                        thumbnail: result.report?.thumbnails.first?.png)
                    let l = ScanResultLine(item: item, report: result.report, error: result.error, contentSHA256: result.sha256)
                    let text = try l.jsonLine() + "\n"
                    let snapshot: Progress = lock.withLock {
                        jsonl.write(Data(text.utf8))
                        done += 1
                        bytesDone += max(0, item.size)
                        return Progress(done: done, total: total, bytesDone: bytesDone, bytesTotal: bytesTotal,
                                        elapsed: Date().timeIntervalSince(start), last: item.key, lastBucket: l.bucket)
                    }
                    progress?(snapshot)
                } catch {
                    lock.withLock { firstError = firstError ?? error }
                    return
                }
            }
        }
        try? FileManager.default.removeItem(atPath: tmp)
        if let firstError { throw firstError }
        return try writeReports()
    }

    /// Rewrites every report from the job table and returns the summary.
    @discardableResult
    public func writeReports() throws -> ScanSummary {
        let rows = try database.finished()
        var thumbs: [String: [UInt8]] = [:]
        for r in rows { if let t = r.thumbnail { thumbs[r.item.key] = t } }
        return try writer.writeAll(try rows.map(line(for:)), thumbnails: thumbs)
    }

    /// Row counts per state (for status and tests).
    public func counts() throws -> [ScanDatabase.State: Int] { try database.counts() }

    private func line(for row: ScanDatabase.Finished) throws -> ScanResultLine {
        let report = try row.reportJSON.map { try VerifyReport.decode(Data($0.utf8)) }
        return ScanResultLine(item: row.item, report: report, error: row.error, contentSHA256: row.contentSHA256)
    }

    private struct Outcome {
        var report: VerifyReport?
        var error: String?
        var sha256: String?
    }

    private func process(_ item: ScanItem, tmp: String, worker: Int, archives: DecompressedArchives) -> Outcome {
        var path = item.path
        var cleanup: String?
        defer { if let c = cleanup { try? FileManager.default.removeItem(atPath: c) } }
        if let member = item.member {
            do {
                guard var kind = ArchiveKind.detect(path: item.path) else {
                    return Outcome(error: "archive vanished or changed: \(item.path)")
                }
                var archivePath = item.path
                if kind == .tarGzip {
                    archivePath = try archives.tar(for: item.path)
                    kind = .tar
                }
                guard let m = try kind.members(path: archivePath, limits: options.enumerator.archiveLimits)
                    .first(where: { $0.name == member })
                else { return Outcome(error: "member vanished from \(item.path): \(member)") }
                let ext = m.pathExtension.isEmpty ? "bin" : m.pathExtension
                path = (tmp as NSString).appendingPathComponent("w\(worker)-\(UUID().uuidString).\(ext)")
                cleanup = path
                try MemberExtractor(archivePath: archivePath, limits: options.enumerator.archiveLimits).extract(m, to: path)
            } catch {
                return Outcome(error: "\(error)")
            }
        } else {
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = attrs[.size] as? NSNumber
            else { return Outcome(error: "file vanished: \(path)") }
            if size.int64Value != item.size {
                return Outcome(error: "file changed during the scan (size \(item.size) → \(size.int64Value))")
            }
        }
        var sha: String?
        if options.hashContent {
            do {
                sha = hex(try SHA256Hasher.digest(source: FileByteSource(path: path)))
                if let cached = try database.reportForContent(sha256: sha!),
                   var report = try? VerifyReport.decode(Data(cached.utf8))
                {
                    report.file.path = item.key
                    return Outcome(report: report, sha256: sha)
                }
            } catch {
                return Outcome(error: "\(error)", sha256: sha)
            }
        }
        var report = verifier.verify(path: path, displayPath: item.key)
        report.file.path = item.key
        return Outcome(report: report, sha256: sha)
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

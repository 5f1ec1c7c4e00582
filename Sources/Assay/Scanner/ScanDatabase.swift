import AssayCore
import Foundation
import GRDB

/// The scan's job table in SQLite (GRDB, WAL): one row per item with its state and result.
///
/// Every state change is one transaction, so a scan killed at any point resumes with nothing lost or
/// duplicated: rows left `running` by a dead process go back to `pending` when the database is
/// opened again, and rows that are `done` with the same size and modification time are not scanned
/// twice.
public final class ScanDatabase: Sendable {
    /// Row states.
    public enum State: String, Sendable, Codable {
        case pending, running, done, error
    }

    /// One finished row.
    public struct Finished: Sendable {
        /// The item.
        public var item: ScanItem
        /// The verify report JSON (compact), for done rows.
        public var reportJSON: String?
        /// The error message, for error rows.
        public var error: String?
        /// The content hash, if computed.
        public var contentSHA256: String?
        /// A PNG key frame, if one was made.
        public var thumbnail: [UInt8]?
    }

    /// Path of the database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens or creates the database and requeues rows a dead process left `running`.
    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            var config = Configuration()
            config.busyMode = .timeout(30)
            pool = try DatabasePool(path: path, configuration: config)
            var m = DatabaseMigrator()
            m.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE job (
                        key TEXT PRIMARY KEY NOT NULL, path TEXT NOT NULL, member TEXT, size INTEGER NOT NULL,
                        mtime REAL NOT NULL, state TEXT NOT NULL, content_sha256 TEXT, outcome TEXT, report TEXT,
                        error TEXT, thumbnail BLOB, attempts INTEGER NOT NULL DEFAULT 0, seq INTEGER, updated REAL NOT NULL);
                    CREATE INDEX job_state ON job(state);
                    CREATE INDEX job_hash ON job(content_sha256);
                    """)
            }
            try m.migrate(pool)
            try pool.write { db in
                try db.execute(sql: "UPDATE job SET state = 'pending' WHERE state = 'running'")
            }
        } catch {
            throw AssayError(.repository, "cannot open the scan database at \(path): \(error)")
        }
    }

    /// Adds new items and requeues changed ones (different size or modification time); unchanged
    /// finished rows are kept. Returns the number of items that need scanning.
    @discardableResult
    public func sync(_ items: [ScanItem]) throws -> Int {
        try guarded {
            try pool.write { db in
                let now = Date().timeIntervalSince1970
                for item in items {
                    try db.execute(sql: """
                        INSERT INTO job (key, path, member, size, mtime, state, updated) VALUES (?, ?, ?, ?, ?, 'pending', ?)
                        ON CONFLICT(key) DO UPDATE SET
                          state = CASE WHEN job.size = excluded.size AND job.mtime = excluded.mtime AND job.state IN ('done','error')
                                       THEN job.state ELSE 'pending' END,
                          report = CASE WHEN job.size = excluded.size AND job.mtime = excluded.mtime THEN job.report ELSE NULL END,
                          size = excluded.size, mtime = excluded.mtime, updated = excluded.updated
                        """, arguments: [item.key, item.path, item.member, item.size, item.modificationTime, now])
                }
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job WHERE state = 'pending'") ?? 0
            }
        }
    }

    /// Atomically takes the next pending item and marks it `running`.
    public func claimNext() throws -> ScanItem? {
        try guarded {
            try pool.write { db in
                guard let row = try Row.fetchOne(db, sql: """
                    UPDATE job SET state = 'running', attempts = attempts + 1, updated = ?
                    WHERE key = (SELECT key FROM job WHERE state = 'pending' ORDER BY rowid LIMIT 1)
                    RETURNING key, path, member, size, mtime
                    """, arguments: [Date().timeIntervalSince1970])
                else { return nil }
                return ScanItem(path: row["path"], member: row["member"], size: row["size"], modificationTime: row["mtime"])
            }
        }
    }

    /// A finished result for another row with the same content, if any (identical files are scanned once).
    public func reportForContent(sha256: String) throws -> String? {
        try guarded {
            try pool.read { db in
                try String.fetchOne(db, sql: "SELECT report FROM job WHERE content_sha256 = ? AND state = 'done' AND report IS NOT NULL LIMIT 1",
                                    arguments: [sha256])
            }
        }
    }

    /// Records a result; returns its sequence number (the order results finished in).
    @discardableResult
    public func finish(_ item: ScanItem, outcome: String?, reportJSON: String?, error: String?, contentSHA256: String?,
                       thumbnail: [UInt8]? = nil) throws -> Int
    {
        try guarded {
            try pool.write { db in
                let seq = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM job")) ?? 1
                try db.execute(sql: """
                    UPDATE job SET state = ?, outcome = ?, report = ?, error = ?, content_sha256 = ?, thumbnail = ?, seq = ?,
                    updated = ? WHERE key = ?
                    """, arguments: [error == nil ? "done" : "error", outcome, reportJSON, error, contentSHA256,
                                     thumbnail.map { Data($0) }, seq, Date().timeIntervalSince1970, item.key])
                return seq
            }
        }
    }

    /// All finished rows (done and error), in the order they finished.
    public func finished() throws -> [Finished] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM job WHERE state IN ('done','error') ORDER BY seq").map { row in
                    Finished(item: ScanItem(path: row["path"], member: row["member"], size: row["size"],
                                            modificationTime: row["mtime"]),
                             reportJSON: row["report"], error: row["error"], contentSHA256: row["content_sha256"],
                             thumbnail: (row["thumbnail"] as Data?).map { [UInt8]($0) })
                }
            }
        }
    }

    /// Row counts per state.
    public func counts() throws -> [State: Int] {
        try guarded {
            try pool.read { db in
                var out: [State: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job GROUP BY state") {
                    if let s = State(rawValue: row["state"]) { out[s] = row["n"] }
                }
                return out
            }
        }
    }

    /// Total bytes of rows in a state.
    public func bytes(in state: State) throws -> Int64 {
        try guarded {
            try pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(size),0) FROM job WHERE state = ?", arguments: [state.rawValue]) ?? 0 }
        }
    }

    private func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as AssayError { throw e } catch {
            throw AssayError(.repository, "scan database \(path): \(error)")
        }
    }
}

import AssayCore
import Foundation
import GRDB

/// The local manifest repository ("durable credentials"): SQLite (GRDB, WAL mode) mapping content
/// IDs, and the 64-bit watermark payload derived from them, to complete manifest stores.
///
/// `label` inserts one row per output; `verify` looks up a recovered watermark payload when the
/// file's own manifest was stripped. Every write is one transaction, so a process killed during an
/// insert leaves the database with the row or without it, never half of it.
public final class ManifestRepository: Sendable {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// The default location: `$XDG_DATA_HOME/assay/manifests.sqlite`, else `~/.local/share/assay/…`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return base + "/assay/manifests.sqlite"
    }

    /// Opens (creating if needed) the repository at `path`.
    /// - Throws: ``AssayError/Code/repository`` if the folder cannot be made or the file is not a repository.
    public init(path: String = ManifestRepository.defaultPath()) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            var config = Configuration()
            config.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch let error as AssayError {
            throw error
        } catch {
            throw AssayError(.repository, "cannot open the manifest repository at \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE manifest (
                    content_id     TEXT PRIMARY KEY NOT NULL,
                    payload64      INTEGER NOT NULL,
                    manifest_label TEXT NOT NULL,
                    store          BLOB NOT NULL,
                    signer         TEXT,
                    generator      TEXT,
                    created        REAL NOT NULL,
                    output_sha256  TEXT,
                    inserted       REAL NOT NULL
                );
                CREATE INDEX manifest_payload64 ON manifest(payload64);
                """)
        }
        return m
    }

    /// Inserts or replaces the record for its content ID, in one transaction.
    public func insert(_ record: StoredManifest) throws {
        do {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO manifest
                        (content_id, payload64, manifest_label, store, signer, generator, created, output_sha256, inserted)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.contentID.hex, Int64(bitPattern: record.contentID.watermarkPayload),
                        record.manifestLabel, Data(record.manifestStore), record.signer, record.generator,
                        record.created.timeIntervalSince1970, record.outputSHA256, Date().timeIntervalSince1970,
                    ])
                FaultInjection.pause(at: "repository.insert")
            }
        } catch {
            throw AssayError(.repository, "cannot store the manifest in \(path): \(error)")
        }
    }

    /// The record with exactly this content ID.
    public func manifest(contentID: ContentID) throws -> StoredManifest? {
        try fetch(sql: "SELECT * FROM manifest WHERE content_id = ?", arguments: [contentID.hex]).first
    }

    /// Every record whose content ID starts with this 64-bit watermark payload (normally zero or one).
    public func manifests(watermarkPayload: UInt64) throws -> [StoredManifest] {
        try fetch(sql: "SELECT * FROM manifest WHERE payload64 = ? ORDER BY created DESC",
                  arguments: [Int64(bitPattern: watermarkPayload)])
    }

    /// Every distinct 64-bit watermark payload the repository holds (what a present clip's soft bits are matched
    /// against when no decoder found its payload; see `PayloadMatcher`).
    public func watermarkPayloads() throws -> [UInt64] {
        do {
            return try pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT DISTINCT payload64 FROM manifest").map { UInt64(bitPattern: $0) }
            }
        } catch {
            throw AssayError(.repository, "cannot read the manifest repository at \(path): \(error)")
        }
    }

    /// Records, newest first (`limit` at most, after skipping `offset`).
    public func list(limit: Int = 100, offset: Int = 0) throws -> [StoredManifest] {
        try fetch(sql: "SELECT * FROM manifest ORDER BY created DESC, content_id LIMIT ? OFFSET ?",
                  arguments: [max(0, limit), max(0, offset)])
    }

    /// Removes the record with this content ID; returns whether there was one.
    @discardableResult
    public func remove(contentID: ContentID) throws -> Bool {
        do {
            return try pool.write { db in
                try db.execute(sql: "DELETE FROM manifest WHERE content_id = ?", arguments: [contentID.hex])
                return db.changesCount > 0
            }
        } catch {
            throw AssayError(.repository, "cannot change the manifest repository at \(path): \(error)")
        }
    }

    /// Number of records.
    public func count() throws -> Int {
        do {
            return try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM manifest") ?? 0 }
        } catch {
            throw AssayError(.repository, "cannot read the manifest repository at \(path): \(error)")
        }
    }

    private func fetch(sql: String, arguments: StatementArguments) throws -> [StoredManifest] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    let idText: String = row["content_id"]
                    let store: Data = row["store"]
                    let created: Double = row["created"]
                    return StoredManifest(
                        contentID: try ContentID(hex: idText), manifestLabel: row["manifest_label"],
                        manifestStore: [UInt8](store), signer: row["signer"], generator: row["generator"],
                        created: Date(timeIntervalSince1970: created), outputSHA256: row["output_sha256"])
                }
            }
        } catch {
            throw AssayError(.repository, "cannot read the manifest repository at \(path): \(error)")
        }
    }
}

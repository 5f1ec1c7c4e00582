import AssayCore
import Foundation

/// Splits a scan into shards for several machines (`scan plan`), and joins their results (`scan merge`).
///
/// A plan folder holds `plan.json` and one `shard-NNNN.jsonl` per shard (one ``ScanItem`` a line),
/// balanced by bytes (largest files first, each to the lightest shard). Each shard is scanned into
/// its own folder `<out>/shard-NNNN/` by `scan run --shard I`, which is idempotent (it resumes).
public struct ScanPlan: Sendable, Codable {
    /// Schema identifier.
    public static let currentSchema = "assay.scan-plan/1"
    /// ``currentSchema``.
    public var schema = ScanPlan.currentSchema
    /// Number of shards.
    public var shards: Int
    /// Items per shard.
    public var itemCounts: [Int]
    /// Bytes per shard.
    public var byteCounts: [Int64]
    /// Inputs as given.
    public var inputs: [String]
    /// Paths that could not be enumerated when planning (they are recorded by shard 0).
    public var problems: [String]

    /// The file name of shard `i`.
    public static func shardFileName(_ i: Int) -> String { "shard-" + pad4(i) + ".jsonl" }
    /// The folder name of shard `i`'s results.
    public static func shardFolderName(_ i: Int) -> String { "shard-" + pad4(i) }

    /// Enumerates `inputs`, balances them into `shards` and writes the plan folder.
    @discardableResult
    public static func make(inputs: [String], shards: Int, enumerator: ScanInputEnumerator, directory: String) throws -> ScanPlan {
        guard shards >= 1, shards <= 100_000 else { throw AssayError(.invalidArgument, "--shards must be between 1 and 100000") }
        let found = enumerator.enumerate(inputs)
        var buckets = [[ScanItem]](repeating: [], count: shards)
        var bytes = [Int64](repeating: 0, count: shards)
        for item in found.items.sorted(by: { ($0.size, $1.key) > ($1.size, $0.key) }) {
            let i = bytes.indices.min { bytes[$0] != bytes[$1] ? bytes[$0] < bytes[$1] : $0 < $1 }!
            buckets[i].append(item)
            bytes[i] += max(0, item.size)
        }
        let w = try ScanReportWriter(directory: directory)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (i, items) in buckets.enumerated() {
            let text = try items.sorted { $0.key < $1.key }.map { String(decoding: try enc.encode($0), as: UTF8.self) + "\n" }.joined()
            try w.write(shardFileName(i), text)
        }
        let plan = ScanPlan(shards: shards, itemCounts: buckets.map(\.count), byteCounts: bytes, inputs: inputs,
                            problems: found.problems.map { "\($0.path): \($0.message)" })
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try w.write("plan.json", String(decoding: try enc.encode(plan), as: UTF8.self) + "\n")
        return plan
    }

    /// Reads `plan.json` from a plan folder.
    public static func load(directory: String) throws -> ScanPlan {
        let path = (directory as NSString).appendingPathComponent("plan.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AssayError(.io, "no plan at \(path) (make one with `assay scan plan`)")
        }
        let plan = try JSONDecoder().decode(ScanPlan.self, from: data)
        guard plan.schema == currentSchema else { throw AssayCoreError.unsupportedSchema("plan schema \(plan.schema)") }
        return plan
    }

    /// The items of shard `index`.
    public func items(shard index: Int, directory: String) throws -> [ScanItem] {
        guard (0..<shards).contains(index) else {
            throw AssayError(.invalidArgument, "shard \(index) is outside 0..<\(shards)")
        }
        let path = (directory as NSString).appendingPathComponent(Self.shardFileName(index))
        guard let data = FileManager.default.contents(atPath: path) else { throw AssayError(.io, "missing shard file \(path)") }
        let dec = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try dec.decode(ScanItem.self, from: Data($0)) }
    }

    /// The shard index from the environment: `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job) or
    /// `SLURM_ARRAY_TASK_ID` (Slurm job array).
    public static func shardFromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        for key in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
            if let v = env[key], let i = Int(v.trimmingCharacters(in: .whitespaces)) { return i }
        }
        return nil
    }

    /// Joins the shard result folders under `resultsDirectory` into reports in `outputDirectory`.
    /// - Returns: the merged summary and the shards that had no results yet.
    public func merge(resultsDirectory: String, outputDirectory: String) throws -> (ScanSummary, missing: [Int]) {
        var lines: [ScanResultLine] = []
        var missing: [Int] = []
        for i in 0..<shards {
            let path = ((resultsDirectory as NSString).appendingPathComponent(Self.shardFolderName(i)) as NSString)
                .appendingPathComponent("results.jsonl")
            guard let data = FileManager.default.contents(atPath: path) else {
                missing.append(i)
                continue
            }
            for raw in data.split(separator: UInt8(ascii: "\n")) where !raw.isEmpty {
                lines.append(try ScanResultLine.parse(String(decoding: raw, as: UTF8.self)))
            }
        }
        var seen = Set<String>()
        lines = lines.filter { seen.insert($0.key).inserted }
        let summary = try ScanReportWriter(directory: outputDirectory).writeAll(lines)
        return (summary, missing)
    }
}

private func pad4(_ i: Int) -> String {
    let s = String(i)
    return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
}

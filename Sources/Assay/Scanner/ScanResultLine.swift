import AssayCore
import Foundation

/// One line of `results.jsonl`: a file's verify report, or the error that stopped it.
public struct ScanResultLine: Sendable, Codable {
    /// Schema identifier.
    public static let currentSchema = "assay.scan-result/1"
    /// ``currentSchema``.
    public var schema = ScanResultLine.currentSchema
    /// The item key (`path` or `archive!member`).
    public var key: String
    /// File path (the archive's, for members).
    public var path: String
    /// Archive member name.
    public var member: String?
    /// Size in bytes.
    public var size: Int64
    /// Bucket (see ``ScanSummary``).
    public var bucket: String
    /// SHA-256 of the content, when computed.
    public var contentSHA256: String?
    /// The verify report.
    public var report: VerifyReport?
    /// The error, when there is no report.
    public var error: String?

    /// Creates a line.
    public init(item: ScanItem, report: VerifyReport?, error: String?, contentSHA256: String?) {
        key = item.key
        path = item.path
        member = item.member
        size = item.size
        self.report = report
        self.error = error
        self.contentSHA256 = contentSHA256
        bucket = report.map(ScanSummary.bucket(of:)) ?? "errors"
    }

    /// Compact JSON, one line, no trailing newline.
    public func jsonLine() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    /// Parses one line.
    public static func parse(_ line: String) throws -> ScanResultLine {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try d.decode(ScanResultLine.self, from: Data(line.utf8))
    }
}

import AssayCore
import Foundation

/// The public, versioned result of `assay verify` for one file: what `--json` prints, what scan's
/// `results.jsonl` holds one per line, and what the text and HTML renderers draw.
public struct VerifyReport: Sendable, Hashable, Codable {
    /// Schema identifier; bump the suffix on any incompatible change.
    public static let currentSchema = "assay.verify/2"
    /// Schemas this build decodes: `/2` writes watermark payloads as 16 hex digits, `/1` wrote them as JSON numbers
    /// (which most JSON readers round above 2^53); both read back the same.
    public static let readableSchemas = ["assay.verify/2", "assay.verify/1"]

    /// Facts about the input file.
    public struct FileSummary: Sendable, Hashable, Codable {
        /// Path as given.
        public var path: String
        /// Size in bytes.
        public var size: Int64?
        /// Container format (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, …).
        public var format: String?
        /// Duration in seconds.
        public var duration: Double?
        /// Video width and height.
        public var width: Int?
        /// Video height.
        public var height: Int?
        /// Creates a summary.
        public init(path: String, size: Int64? = nil, format: String? = nil, duration: Double? = nil, width: Int? = nil,
                    height: Int? = nil)
        {
            self.path = path
            self.size = size
            self.format = format
            self.duration = duration
            self.width = width
            self.height = height
        }
    }

    /// A GB 45438 label found in the file.
    public struct AIGCFinding: Sendable, Hashable, Codable {
        /// Where it was found.
        public enum Source: String, Sendable, Hashable, Codable {
            /// `moov/udta/meta` keys/ilst entry `AIGC`.
            case mp4Metadata = "mp4-metadata"
            /// XMP property `TC260:AIGC`.
            case xmp
        }
        /// Integrity of `ReservedCode1` against the producer fields.
        public enum Integrity: String, Sendable, Hashable, Codable {
            case ok
            case mismatch
            case unchecked
        }
        /// The label.
        public var label: AIGCLabel
        /// Where it was found.
        public var source: Source
        /// Whether its integrity field checked out.
        public var integrity: Integrity
        /// Creates a finding.
        public init(label: AIGCLabel, source: Source, integrity: Integrity) {
            self.label = label
            self.source = source
            self.integrity = integrity
        }
    }

    /// A small frame picture for the HTML report (not part of the JSON).
    public struct Thumbnail: Sendable, Hashable {
        /// Time of the frame.
        public var time: MediaTime
        /// PNG bytes.
        public var png: [UInt8]
        /// Creates a thumbnail.
        public init(time: MediaTime, png: [UInt8]) {
            self.time = time
            self.png = png
        }
    }

    /// ``currentSchema``.
    public var schema: String
    /// Tool name and version.
    public var tool: String
    /// The input file.
    public var file: FileSummary
    /// The fused verdict with each lane's evidence.
    public var verdict: Verdict
    /// The process exit code (``Verdict/Outcome/exitCode``, or 2/5 for errors).
    public var exitCode: Int32
    /// GB 45438 labels found.
    public var aigc: [AIGCFinding]
    /// The C2PA report shaped like c2pa-rs's Reader JSON, when a manifest was read.
    public var c2pa: JSONValue?
    /// Wall time of the verification in seconds.
    public var elapsedSeconds: Double?
    /// Key frames for the HTML report.
    public var thumbnails: [Thumbnail]

    enum CodingKeys: String, CodingKey {
        case schema, tool, file, verdict, exitCode, aigc, c2pa, elapsedSeconds
    }

    /// Creates a report.
    public init(file: FileSummary, verdict: Verdict, aigc: [AIGCFinding] = [], c2pa: JSONValue? = nil,
                elapsedSeconds: Double? = nil, thumbnails: [Thumbnail] = [], exitCode: Int32? = nil)
    {
        self.schema = Self.currentSchema
        self.tool = "\(AssayVersion.productName) \(AssayVersion.string)"
        self.file = file
        self.verdict = verdict
        self.exitCode = exitCode ?? verdict.outcome.exitCode
        self.aigc = aigc
        self.c2pa = c2pa
        self.elapsedSeconds = elapsedSeconds
        self.thumbnails = thumbnails
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try c.decode(String.self, forKey: .schema)
        guard schema.hasPrefix("assay.verify/") else {
            throw AssayCoreError.unsupportedSchema("not a verify report: \(schema)")
        }
        guard Self.readableSchemas.contains(schema) else {
            throw AssayCoreError.unsupportedSchema(
                "verify report schema \(schema); this build reads \(Self.readableSchemas.joined(separator: ", "))")
        }
        self.schema = schema
        tool = try c.decode(String.self, forKey: .tool)
        file = try c.decode(FileSummary.self, forKey: .file)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        exitCode = try c.decode(Int32.self, forKey: .exitCode)
        aigc = try c.decodeIfPresent([AIGCFinding].self, forKey: .aigc) ?? []
        c2pa = try c.decodeIfPresent(JSONValue.self, forKey: .c2pa)
        elapsedSeconds = try c.decodeIfPresent(Double.self, forKey: .elapsedSeconds)
        thumbnails = []
    }

    /// The report as one JSON document (stable key order), optionally pretty-printed.
    public func jsonData(pretty: Bool = true) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(self)
    }

    /// Decodes a report written by ``jsonData(pretty:)``.
    public static func decode(_ data: Data) throws -> VerifyReport {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try d.decode(VerifyReport.self, from: data)
    }
}

import Foundation

/// What a generator says about one output: the single value that `label` writes and `verify`
/// reads back.
///
/// It has three encodings: C2PA assertions (AssayC2PA), the GB 45438 `AIGC` metadata JSON
/// (Assay's labeler), and the watermark payload (``ContentID/watermarkPayload``).
public struct ContentLabel: Sendable, Hashable, Codable {
    /// Random per output.
    public var contentID: ContentID
    /// The organisation responsible for the content (GB 45438 `ContentProducer`).
    public var producer: String
    /// The generator that made it.
    public var generator: Generator
    /// When the output was made.
    public var created: Date
    /// IPTC digital source type; ``DigitalSourceType/trainedAlgorithmicMedia`` by default.
    public var digitalSourceType: DigitalSourceType
    /// SHA-256 of the prompt (hex), never the prompt itself.
    public var promptDigest: String?
    /// The content this output was made from, if it carried provenance.
    public var parent: ParentReference?

    /// Creates a label.
    public init(
        contentID: ContentID = .random(),
        producer: String,
        generator: Generator,
        created: Date = Date(),
        digitalSourceType: DigitalSourceType = .trainedAlgorithmicMedia,
        promptDigest: String? = nil,
        parent: ParentReference? = nil
    ) {
        self.contentID = contentID
        self.producer = producer
        self.generator = generator
        self.created = created
        self.digitalSourceType = digitalSourceType
        self.promptDigest = promptDigest
        self.parent = parent
    }

    /// Name and version of a generator (C2PA `claim_generator_info`, EU AI Act "system").
    public struct Generator: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Product name, e.g. `sora`.
        public var name: String
        /// Version string.
        public var version: String
        /// Creates a generator description.
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
        public var description: String { "\(name) \(version)" }
    }

    /// A reference to the content an output was derived from (a C2PA ingredient, `parentOf`).
    public struct ParentReference: Sendable, Hashable, Codable {
        /// The parent's content ID, if it was labeled by Assay.
        public var contentID: ContentID?
        /// The parent's active manifest label (`urn:c2pa:…`), if it had one.
        public var manifestLabel: String?
        /// Title (usually the file name).
        public var title: String?
        /// Creates a parent reference.
        public init(contentID: ContentID? = nil, manifestLabel: String? = nil, title: String? = nil) {
            self.contentID = contentID
            self.manifestLabel = manifestLabel
            self.title = title
        }
    }
}

import AssayCore
import Foundation

/// One manifest kept in the ``ManifestRepository``: the complete C2PA manifest store of a labeled
/// output, indexed by its content ID so that a watermark payload can find it again.
public struct StoredManifest: Sendable, Hashable, Codable {
    /// The output's content ID (also the soft binding).
    public var contentID: ContentID
    /// The active manifest label (`urn:c2pa:…`).
    public var manifestLabel: String
    /// The JUMBF manifest store bytes, exactly as embedded in the output.
    public var manifestStore: [UInt8]
    /// Signer common name, for listing.
    public var signer: String?
    /// Generator name and version, for listing.
    public var generator: String?
    /// When the output was labeled.
    public var created: Date
    /// SHA-256 (hex) of the labeled output file as written.
    public var outputSHA256: String?

    /// Creates a record.
    public init(contentID: ContentID, manifestLabel: String, manifestStore: [UInt8], signer: String? = nil,
                generator: String? = nil, created: Date = Date(), outputSHA256: String? = nil)
    {
        self.contentID = contentID
        self.manifestLabel = manifestLabel
        self.manifestStore = manifestStore
        self.signer = signer
        self.generator = generator
        self.created = created
        self.outputSHA256 = outputSHA256
    }
}

/// What the manifest lane found: a C2PA manifest's validation state and status codes.
public struct ManifestEvidence: Sendable, Hashable, Codable {
    /// C2PA `validation_state`, named exactly as c2pa-rs names it.
    public enum ValidationState: String, Sendable, Hashable, Codable, CaseIterable {
        case trusted = "Trusted"
        case valid = "Valid"
        case invalid = "Invalid"
    }

    /// One C2PA status entry (`{code, url, explanation}`), code verbatim.
    public struct Status: Sendable, Hashable, Codable {
        /// Which list it is in.
        public enum Kind: String, Sendable, Hashable, Codable { case success, informational, failure }
        /// The C2PA status code, e.g. `assertion.bmffHash.mismatch`.
        public var code: String
        /// The JUMBF URI it is about, if any.
        public var url: String?
        /// Human-readable explanation.
        public var explanation: String?
        /// success, informational or failure.
        public var kind: Kind
        /// Creates a status entry.
        public init(code: String, url: String? = nil, explanation: String? = nil, kind: Kind) {
            self.code = code
            self.url = url
            self.explanation = explanation
            self.kind = kind
        }
    }

    /// Who signed: read from the end-entity certificate.
    public struct Signer: Sendable, Hashable, Codable {
        /// Subject common name.
        public var commonName: String?
        /// Subject organisation.
        public var organization: String?
        /// Issuer common name.
        public var issuer: String?
        /// Signing time from a trusted time-stamp, ISO 8601, if present.
        public var time: String?
        /// COSE algorithm name (`ES256`, `PS256`, `Ed25519`, …).
        public var algorithm: String?
        /// Creates a signer description.
        public init(commonName: String? = nil, organization: String? = nil, issuer: String? = nil,
                    time: String? = nil, algorithm: String? = nil)
        {
            self.commonName = commonName
            self.organization = organization
            self.issuer = issuer
            self.time = time
            self.algorithm = algorithm
        }
    }

    /// Where the manifest came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Embedded in the file.
        case embedded
        /// Recovered from the manifest repository by the watermark's content ID.
        case recoveredByWatermark
    }

    /// Validation state of the active manifest.
    public var state: ValidationState
    /// Every status entry, in the order the validator produced them.
    public var statuses: [Status]
    /// Active manifest label (`urn:c2pa:…`).
    public var activeManifest: String?
    /// The signer, if the certificate could be read.
    public var signer: Signer?
    /// The content label read back from the assertions, if it was an Assay-style manifest.
    public var label: ContentLabel?
    /// Soft-binding content ID recorded in the manifest (`c2pa.soft-binding`), if any.
    public var softBinding: ContentID?
    /// Embedded, or recovered through the watermark.
    public var source: Source
    /// Number of manifests in the store (history depth).
    public var manifestCount: Int

    /// Creates manifest evidence.
    public init(state: ValidationState, statuses: [Status] = [], activeManifest: String? = nil, signer: Signer? = nil,
                label: ContentLabel? = nil, softBinding: ContentID? = nil, source: Source = .embedded,
                manifestCount: Int = 1)
    {
        self.state = state
        self.statuses = statuses
        self.activeManifest = activeManifest
        self.signer = signer
        self.label = label
        self.softBinding = softBinding
        self.source = source
        self.manifestCount = manifestCount
    }

    /// Failure codes only.
    public var failureCodes: [String] { statuses.filter { $0.kind == .failure }.map(\.code) }
}

public import AssayCore

/// An error raised by ``AssayC2PA``: malformed CBOR/JUMBF/COSE, bad keys or certificates, I/O.
///
/// Follows the swift-certificates pattern: one error struct per module with an extensible
/// ``Code``; equality compares the code only. Validation problems that c2pa-rs reports as status
/// codes are not errors; they end up in a ``ValidationReport``.
public struct C2PAError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case malformedCBOR, malformedJUMBF, malformedCOSE, malformedManifest, malformedBMFF
            case unsupportedAlgorithm, invalidKey, invalidCertificate, insecureKeyFile
            case cryptoFailure, manifestNotFound, ioFailure, sizeMismatch, invalidArgument
        }
        let backing: Backing
        /// CBOR bytes could not be decoded (truncated, too deep, wrong type, oversized length).
        public static let malformedCBOR = Code(backing: .malformedCBOR)
        /// A JUMBF box is truncated, nested too deeply or lacks its description box.
        public static let malformedJUMBF = Code(backing: .malformedJUMBF)
        /// A COSE_Sign1 structure is not shaped as C2PA requires.
        public static let malformedCOSE = Code(backing: .malformedCOSE)
        /// The manifest store, a claim or an assertion is not shaped as C2PA requires.
        public static let malformedManifest = Code(backing: .malformedManifest)
        /// The media container could not be used (no `ftyp`, several manifest boxes, …).
        public static let malformedBMFF = Code(backing: .malformedBMFF)
        /// A signature algorithm this build does not implement.
        public static let unsupportedAlgorithm = Code(backing: .unsupportedAlgorithm)
        /// A private key could not be read or does not fit the algorithm.
        public static let invalidKey = Code(backing: .invalidKey)
        /// A certificate could not be parsed or does not meet the C2PA profile.
        public static let invalidCertificate = Code(backing: .invalidCertificate)
        /// A private key file is readable by group or others.
        public static let insecureKeyFile = Code(backing: .insecureKeyFile)
        /// An OpenSSL call failed.
        public static let cryptoFailure = Code(backing: .cryptoFailure)
        /// The file carries no C2PA manifest.
        public static let manifestNotFound = Code(backing: .manifestNotFound)
        /// A file system operation failed.
        public static let ioFailure = Code(backing: .ioFailure)
        /// The signed manifest did not fit its placeholder.
        public static let sizeMismatch = Code(backing: .sizeMismatch)
        /// A caller-supplied value is out of range.
        public static let invalidArgument = Code(backing: .invalidArgument)
        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// A human-readable reason (never contains key material).
    public let reason: String
    /// Where in the input it happened, if it came from one.
    public let location: InputLocation?

    init(code: Code, reason: String, location: InputLocation? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
    }

    /// Malformed CBOR at `offset`.
    public static func malformedCBOR(_ reason: String, offset: Int) -> C2PAError {
        C2PAError(code: .malformedCBOR, reason: reason, location: InputLocation(offset: Int64(offset)))
    }
    /// Malformed JUMBF at `offset`.
    public static func malformedJUMBF(_ reason: String, offset: Int) -> C2PAError {
        C2PAError(code: .malformedJUMBF, reason: reason, location: InputLocation(offset: Int64(offset)))
    }
    /// Malformed COSE_Sign1.
    public static func malformedCOSE(_ reason: String) -> C2PAError { C2PAError(code: .malformedCOSE, reason: reason) }
    /// Malformed manifest store, claim or assertion.
    public static func malformedManifest(_ reason: String, location: InputLocation? = nil) -> C2PAError {
        C2PAError(code: .malformedManifest, reason: reason, location: location)
    }
    /// Unusable media container.
    public static func malformedBMFF(_ reason: String, location: InputLocation? = nil) -> C2PAError {
        C2PAError(code: .malformedBMFF, reason: reason, location: location)
    }
    /// Unsupported algorithm.
    public static func unsupportedAlgorithm(_ reason: String) -> C2PAError {
        C2PAError(code: .unsupportedAlgorithm, reason: reason)
    }
    /// Unusable private key.
    public static func invalidKey(_ reason: String) -> C2PAError { C2PAError(code: .invalidKey, reason: reason) }
    /// Unusable certificate.
    public static func invalidCertificate(_ reason: String) -> C2PAError {
        C2PAError(code: .invalidCertificate, reason: reason)
    }
    /// A private key file with too-open permissions.
    public static func insecureKeyFile(_ reason: String) -> C2PAError {
        C2PAError(code: .insecureKeyFile, reason: reason)
    }
    /// An OpenSSL failure (the reason includes OpenSSL's error queue text).
    public static func cryptoFailure(_ reason: String) -> C2PAError { C2PAError(code: .cryptoFailure, reason: reason) }
    /// No manifest in the file.
    public static func manifestNotFound(_ reason: String, path: String? = nil) -> C2PAError {
        C2PAError(code: .manifestNotFound, reason: reason, location: path.map { InputLocation(path: $0) })
    }
    /// File system failure.
    public static func ioFailure(_ reason: String, path: String? = nil) -> C2PAError {
        C2PAError(code: .ioFailure, reason: reason, location: path.map { InputLocation(path: $0) })
    }
    /// The manifest changed size between placeholder and final write.
    public static func sizeMismatch(_ reason: String) -> C2PAError { C2PAError(code: .sizeMismatch, reason: reason) }
    /// A bad argument.
    public static func invalidArgument(_ reason: String) -> C2PAError {
        C2PAError(code: .invalidArgument, reason: reason)
    }

    /// A copy whose location names `path` (keeping the offset).
    public func located(in path: String) -> C2PAError {
        C2PAError(code: code, reason: reason, location: InputLocation(path: path, offset: location?.offset))
    }

    /// A copy whose offset is shifted by `base` (for errors inside an embedded buffer).
    public func shifted(by base: Int64) -> C2PAError {
        guard let loc = location, let o = loc.offset else { return self }
        return C2PAError(code: code, reason: reason, location: InputLocation(path: loc.path, offset: o + base))
    }

    public static func == (lhs: C2PAError, rhs: C2PAError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let location { return "C2PAError.\(code): \(reason) (\(location))" }
        return "C2PAError.\(code): \(reason)"
    }
}

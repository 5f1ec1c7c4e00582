import AssayCore

/// An error raised by ``AssayClassifier``: unusable model files and invalid input.
///
/// One error struct for the module with an extensible ``Code``; equality compares the code only
/// (the swift-certificates pattern). Unusable *video* is not an error: it yields an `inconclusive`
/// decision with a reason.
public struct ClassifierError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case modelNotFound
            case malformedModel
            case featureSetMismatch
            case unsupportedModelKind
            case invalidInput
        }
        let backing: Backing
        /// The model folder or one of its required files does not exist or cannot be read.
        public static let modelNotFound = Code(backing: .modelNotFound)
        /// A model file is not valid JSON of the expected shape, or holds out-of-range values.
        public static let malformedModel = Code(backing: .malformedModel)
        /// The model was trained on a different feature-set version than this build extracts.
        public static let featureSetMismatch = Code(backing: .featureSetMismatch)
        /// The model kind (e.g. `logistic-regression`) is not one this build can run.
        public static let unsupportedModelKind = Code(backing: .unsupportedModelKind)
        /// Frames passed to the classifier are inconsistent (e.g. sizes change within a clip).
        public static let invalidInput = Code(backing: .invalidInput)
        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// A human-readable reason.
    public let reason: String
    /// The file (and, when known, the byte offset) the error came from.
    public let location: InputLocation?

    init(code: Code, reason: String, location: InputLocation? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
    }

    /// A model file is missing or unreadable.
    public static func modelNotFound(_ reason: String, location: InputLocation? = nil) -> ClassifierError {
        ClassifierError(code: .modelNotFound, reason: reason, location: location)
    }
    /// A model file is malformed.
    public static func malformedModel(_ reason: String, location: InputLocation? = nil) -> ClassifierError {
        ClassifierError(code: .malformedModel, reason: reason, location: location)
    }
    /// The model's feature-set version differs from ``FeatureSet/version``.
    public static func featureSetMismatch(_ reason: String, location: InputLocation? = nil) -> ClassifierError {
        ClassifierError(code: .featureSetMismatch, reason: reason, location: location)
    }
    /// The model kind is not supported.
    public static func unsupportedModelKind(_ reason: String, location: InputLocation? = nil) -> ClassifierError {
        ClassifierError(code: .unsupportedModelKind, reason: reason, location: location)
    }
    /// The frames are inconsistent.
    public static func invalidInput(_ reason: String) -> ClassifierError {
        ClassifierError(code: .invalidInput, reason: reason)
    }

    public static func == (lhs: ClassifierError, rhs: ClassifierError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let location { return "ClassifierError.\(code): \(reason) (\(location))" }
        return "ClassifierError.\(code): \(reason)"
    }
}

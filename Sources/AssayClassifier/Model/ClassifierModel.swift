import AssayCore

/// The fields every `model.json` has, whatever its kind.
struct ModelHeader: Codable {
    var schema: Int
    var kind: String

    /// Reads the header of `path` and refuses another schema (`malformedModel`) or kind (`unsupportedModelKind`).
    static func require(kind: String, at path: String) throws {
        let header = try ModelFiles.decode(ModelHeader.self, at: path)
        let location = InputLocation(path: path)
        guard header.schema == 1 else {
            throw ClassifierError.malformedModel(
                "model schema \(header.schema) is not supported (expected 1)", location: location)
        }
        guard header.kind == kind else {
            throw ClassifierError.unsupportedModelKind(
                "model kind '\(header.kind)' is not supported here (expected '\(kind)')", location: location)
        }
    }
}

/// A model the classifier can run, chosen by the `kind` field of `model.json`.
///
/// Each kind is its own type in its own file and checks its own input version; this type only dispatches.
public enum ClassifierModel: Sendable, Hashable {
    /// `kind: logistic-regression` on the hand-made ``FeatureSet``.
    case logistic(LogisticModel)
    /// `kind: tile-cnn` on NPR-residual tiles (``TileCNNInput``).
    case tileCNN(TileCNNModel)

    /// Loads `model.json`, dispatching on its `kind`.
    /// - Throws: ``ClassifierError`` (`modelNotFound`, `malformedModel`, `unsupportedModelKind`,
    ///   `featureSetMismatch`).
    public init(contentsOf path: String) throws {
        let header = try ModelFiles.decode(ModelHeader.self, at: path)
        switch header.kind {
        case LogisticModel.kind: self = .logistic(try LogisticModel(contentsOf: path))
        case TileCNNModel.kind: self = .tileCNN(try TileCNNModel(contentsOf: path))
        default:
            throw ClassifierError.unsupportedModelKind(
                "model kind '\(header.kind)' is not supported (known: \(LogisticModel.kind), \(TileCNNModel.kind))",
                location: InputLocation(path: path))
        }
    }

    /// Model identifier.
    public var modelID: String {
        switch self {
        case .logistic(let m): m.modelID
        case .tileCNN(let m): m.modelID
        }
    }

    /// The version of what the model reads (``FeatureSet/version`` or ``TileCNNInput/version``); the calibration
    /// must name the same.
    public var inputVersion: String {
        switch self {
        case .logistic(let m): m.featureSetVersion
        case .tileCNN(let m): m.inputVersion
        }
    }
}

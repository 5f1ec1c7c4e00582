public import AssayCore
import Foundation

/// What to put in a new manifest: claim generator, title and assertions.
public struct ManifestDefinition: Sendable {
    /// One assertion to write.
    public struct Assertion: Sendable {
        /// Assertion label.
        public var label: String
        /// CBOR content.
        public var content: CBOR
        /// Listed in `created_assertions` (true) or `gathered_assertions` (false).
        public var created: Bool
        /// Creates an assertion.
        public init(label: String, content: CBOR, created: Bool = true) {
            self.label = label
            self.content = content
            self.created = created
        }
    }

    /// `claim_generator_info`.
    public var claimGenerator: ContentLabel.Generator
    /// `dc:title`.
    public var title: String?
    /// Assertions other than the hard binding (added by the signer) and ingredients.
    public var assertions: [Assertion]
    /// Whether to add a `c2pa.ingredient.v3` (parentOf) when the input already has a manifest.
    public var keepHistory: Bool = true
    /// The manifest store of the content this output was made from, when the file being signed no
    /// longer carries it (`assay label` re-encodes, which drops the box). Kept as the parent
    /// ingredient instead of the signed file's own store. Ignored unless ``keepHistory``.
    public var parentStore: ManifestStore?
    /// Title recorded for that parent ingredient (defaults to the signed file's name).
    public var parentTitle: String?
    /// Trust used to validate the parent when its results are recorded in the ingredient
    /// (`validationResults`, as c2pa-rs does). Without anchors the parent records as untrusted.
    public var parentTrust = TrustSettings()

    /// Creates a definition.
    public init(claimGenerator: ContentLabel.Generator, title: String? = nil, assertions: [Assertion]) {
        self.claimGenerator = claimGenerator
        self.title = title
        self.assertions = assertions
    }

    /// The definition for an Assay ``ContentLabel``: actions (created, source type, software
    /// agent), soft binding (content ID) and `com.assay.label`.
    ///
    /// - Parameter watermarked: whether the content ID was embedded as a watermark. The
    ///   `c2pa.soft-binding` assertion claims that it was, so it is left out when it was not
    ///   (frames too small for a readable mark).
    public init(label: ContentLabel, title: String? = nil, watermarked: Bool = true) {
        self.claimGenerator = label.generator
        self.title = title
        var assertions = [
            Assertion(
                label: Assertions.actionsLabel,
                content: Assertions.actions(
                    digitalSourceType: label.digitalSourceType,
                    softwareAgent: label.generator))
        ]
        if watermarked {
            assertions.append(
                Assertion(label: Assertions.softBindingLabel, content: Assertions.softBinding(label.contentID)))
        }
        assertions.append(Assertion(label: Assertions.assayLabel, content: Assertions.assayLabel(label)))
        self.assertions = assertions
    }

    /// Reads a definition in c2pa-rs Builder JSON form:
    /// `{"claim_generator_info": [{"name","version"}], "title", "assertions": [{"label","data","created"}]}`.
    public init(json: [UInt8]) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw C2PAError.invalidArgument("manifest definition is not a JSON object")
        }
        var gen = ContentLabel.Generator(name: "assay", version: AssayVersion.string)
        let gi = obj["claim_generator_info"]
        if let g = (gi as? [[String: Any]])?.first ?? gi as? [String: Any] {
            gen = .init(name: g["name"] as? String ?? gen.name, version: g["version"] as? String ?? gen.version)
        }
        claimGenerator = gen
        title = obj["title"] as? String
        var list = [Assertion]()
        for a in obj["assertions"] as? [[String: Any]] ?? [] {
            guard let l = a["label"] as? String, let d = a["data"] else {
                throw C2PAError.invalidArgument("assertion without label or data in the manifest definition")
            }
            list.append(Assertion(label: l, content: try CBOR(json: d), created: a["created"] as? Bool ?? false))
        }
        if !list.contains(where: { $0.label.hasPrefix("c2pa.actions") }) {
            list.insert(
                Assertion(
                    label: Assertions.actionsLabel,
                    content: Assertions.actions(
                        digitalSourceType: .trainedAlgorithmicMedia,
                        softwareAgent: gen)), at: 0)
        }
        assertions = list
    }
}

extension CBOR {
    /// Converts a `JSONSerialization` value to CBOR (integers stay integers).
    public init(json: Any) throws {
        switch json {
        case let s as String: self = .text(s)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c", n.int64Value == 0 || n.int64Value == 1 {
                self = .bool(n.boolValue)
            } else if n.doubleValue == n.doubleValue.rounded(), abs(n.doubleValue) < 9e15 {
                self = .int(n.int64Value)
            } else {
                self = .float(n.doubleValue)
            }
        case let a as [Any]: self = .array(try a.map { try CBOR(json: $0) })
        case let d as [String: Any]:
            self = .map(try d.keys.sorted().map { CBOR.Pair(.text($0), try CBOR(json: d[$0]!)) })
        case is NSNull: self = .null
        default: throw C2PAError.invalidArgument("unsupported JSON value in manifest definition")
        }
    }

    /// A JSON-compatible value (bytes become base64, as c2pa-rs's reports show them).
    public var jsonValue: Any {
        switch self {
        case .unsigned(let u): return u <= UInt64(Int64.max) ? Int64(u) as Any : Double(u) as Any
        case .negative: return intValue.map { $0 as Any } ?? NSNull()
        case .bytes(let b): return Data(b).base64EncodedString()
        case .text(let s): return s
        case .array(let a): return a.map(\.jsonValue)
        case .map(let m):
            var d = [String: Any]()
            for p in m {
                let k: String = p.key.textValue ?? p.key.intValue.map(String.init) ?? "\(p.key)"
                d[k] = p.value.jsonValue
            }
            return d
        case .tagged(_, let v): return v.jsonValue
        case .bool(let b): return b
        case .null, .undefined: return NSNull()
        case .simple(let s): return Int(s)
        case .float(let f): return f
        }
    }
}

public import AssayCore
import Foundation

/// Builders and readers for the assertions Assay writes.
public enum Assertions {
    /// Label of the actions assertion.
    public static let actionsLabel = "c2pa.actions.v2"
    /// Label of the BMFF hard binding.
    public static let bmffHashLabel = "c2pa.hash.bmff.v3"
    /// Label of the soft binding.
    public static let softBindingLabel = "c2pa.soft-binding"
    /// Label of Assay's own label assertion (producer, created time, prompt digest).
    public static let assayLabel = "com.assay.label"
    /// Label of an ingredient.
    public static let ingredientLabel = "c2pa.ingredient.v3"
    /// Soft-binding algorithm name of the Assay watermark.
    public static let watermarkAlgorithm = "com.assay.watermark.v1"

    /// `c2pa.actions.v2` with one `c2pa.created` action.
    public static func actions(digitalSourceType: DigitalSourceType, softwareAgent: ContentLabel.Generator?) -> CBOR {
        var action: [(String, CBOR)] = [
            ("action", .text("c2pa.created")),
            ("digitalSourceType", .text(digitalSourceType.rawValue)),
        ]
        if let g = softwareAgent {
            action.append(("softwareAgent", .textMap([("name", .text(g.name)), ("version", .text(g.version))])))
        }
        return .textMap([("actions", .array([.textMap(action)]))])
    }

    /// `c2pa.soft-binding` carrying a content ID (the watermark payload's source).
    public static func softBinding(_ id: ContentID) -> CBOR {
        .textMap([
            ("alg", .text(watermarkAlgorithm)),
            ("blocks", .array([.textMap([("scope", .map([])), ("value", .text(id.hex))])])),
        ])
    }

    /// `com.assay.label`: the parts of a ``ContentLabel`` that have no standard assertion.
    public static func assayLabel(_ label: ContentLabel) -> CBOR {
        var p: [(String, CBOR)] = [
            ("contentID", .text(label.contentID.hex)),
            ("producer", .text(label.producer)),
            (
                "generator",
                .textMap([("name", .text(label.generator.name)), ("version", .text(label.generator.version))])
            ),
            ("created", .text(iso8601(label.created))),
        ]
        if let d = label.promptDigest { p.append(("promptDigest", .text(d))) }
        if let parent = label.parent {
            var q: [(String, CBOR)] = []
            if let id = parent.contentID { q.append(("contentID", .text(id.hex))) }
            if let m = parent.manifestLabel { q.append(("manifest", .text(m))) }
            if let t = parent.title { q.append(("title", .text(t))) }
            p.append(("parent", .textMap(q)))
        }
        return .textMap(p)
    }

    /// Reads a ``ContentLabel`` back from a manifest's assertions (nil if it is not an Assay manifest).
    public static func contentLabel(from manifest: Manifest) -> ContentLabel? {
        guard let a = manifest.assertionCBOR(assayLabel), let idHex = a["contentID"]?.textValue,
            let id = try? ContentID(hex: idHex)
        else { return nil }
        let gen = ContentLabel.Generator(
            name: a["generator"]?["name"]?.textValue ?? "",
            version: a["generator"]?["version"]?.textValue ?? "")
        var dst = DigitalSourceType.trainedAlgorithmicMedia
        if let acts = manifest.assertionCBOR(actionsLabel)?["actions"]?.arrayValue,
            let d = acts.first?["digitalSourceType"]?.textValue
        {
            dst = DigitalSourceType(rawValue: d)
        }
        var parent: ContentLabel.ParentReference?
        if let p = a["parent"] {
            parent = .init(
                contentID: p["contentID"]?.textValue.flatMap { try? ContentID(hex: $0) },
                manifestLabel: p["manifest"]?.textValue, title: p["title"]?.textValue)
        }
        return ContentLabel(
            contentID: id, producer: a["producer"]?.textValue ?? "", generator: gen,
            created: a["created"]?.textValue.flatMap(parseISO8601) ?? Date(timeIntervalSince1970: 0),
            digitalSourceType: dst, promptDigest: a["promptDigest"]?.textValue, parent: parent)
    }

    /// The content ID of a `c2pa.soft-binding` with Assay's algorithm, if any.
    public static func softBindingContentID(from manifest: Manifest) -> ContentID? {
        guard let sb = manifest.assertionCBOR(softBindingLabel), sb["alg"]?.textValue == watermarkAlgorithm,
            let v = sb["blocks"]?.arrayValue?.first?["value"]?.textValue
        else { return nil }
        return try? ContentID(hex: v)
    }

    /// RFC 3339 / ISO 8601 internet date-time (`2026-11-25T03:00:57Z`). The format style is a value type:
    /// unlike `ISO8601DateFormatter`, nothing is allocated per call and it is safe across threads.
    static func iso8601(_ d: Date) -> String { d.formatted(.iso8601) }

    static func parseISO8601(_ s: String) -> Date? { try? Date(s, strategy: .iso8601) }
}

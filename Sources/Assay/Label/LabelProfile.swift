import AssayCore
import Foundation

/// Which regulatory regime a label is written for. Every profile writes the C2PA manifest, the
/// watermark and the GB 45438 `AIGC` metadata; the profiles add or enforce what their regime asks.
public enum LabelProfile: String, Sendable, CaseIterable, Codable {
    /// C2PA + watermark + `AIGC` metadata.
    case `default`
    /// China (GB 45438-2025): also burns a visible "AI生成 / AI-generated" caption into the first
    /// 2 seconds (explicit label); `ContentProducer` must be set.
    case cn
    /// EU AI Act Art. 50(2): machine-readable marking; provider, system name and version, time and a
    /// unique ID must be present.
    case eu
    /// California AI Transparency Act (SB 942): latent disclosure with provider name, system name and
    /// version, creation time and a unique ID.
    case ca

    /// Problems that stop a label from meeting the profile (empty when it does).
    public func problems(with label: ContentLabel) -> [String] {
        var out: [String] = []
        let producer = label.producer.trimmingCharacters(in: .whitespaces)
        switch self {
        case .default:
            break
        case .cn:
            if producer.isEmpty { out.append("--producer (GB 45438 ContentProducer: provider name or code) is required") }
        case .eu, .ca:
            if producer.isEmpty { out.append("--producer (the provider's name) is required") }
            if label.generator.name.trimmingCharacters(in: .whitespaces).isEmpty {
                out.append("--generator (the AI system's name) is required")
            }
            if label.generator.version.trimmingCharacters(in: .whitespaces).isEmpty {
                out.append("--generator-version (the AI system's version) is required")
            }
        }
        return out
    }

    /// Whether the profile burns a visible caption.
    public var burnsCaption: Bool { self == .cn }
}

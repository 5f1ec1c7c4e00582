import AssayC2PA
import AssayCore
import AssayWatermark
import Foundation

/// Settings of `assay label` and ``LabeledVideoWriter``.
public struct LabelOptions: Sendable {
    /// The organisation responsible for the content (GB 45438 `ContentProducer`, EU/CA provider).
    public var producer: String
    /// The generator (C2PA `claim_generator_info`, system name and version).
    public var generator: ContentLabel.Generator
    /// Regulatory profile.
    public var profile: LabelProfile
    /// SHA-256 (hex) of the prompt; the prompt itself is never stored.
    public var promptDigest: String?
    /// x264 constant rate factor.
    public var crf: Int
    /// x264 preset.
    public var preset: String
    /// Encoder threads (0 = x264 auto).
    public var encoderThreads: Int
    /// Watermark strength multiplier (1 = default, about 48 dB PSNR-Y).
    public var watermarkStrength: Double
    /// The watermark's SSIM cap (`WatermarkEmbedder.ssimLossBudget`); `nil` (the default) embeds without it.
    public var watermarkSSIMLossBudget: Double?
    /// The budget of `--ssim-cap`: keeps SSIM-Y at or above 0.995 on the 30-clip set (`docs/watermark.md`).
    public static let ssimCapBudget = WatermarkEmbedder.recommendedSSIMLossBudget
    /// Watermark key file; `nil` uses `$XDG_CONFIG_HOME/assay/watermark.key`.
    public var watermarkKeyPath: String?
    /// Signing certificate chain (PEM) and key; both `nil` use the key store made by `assay keys init`.
    public var certificatePath: String?
    /// Signing key (PEM, mode 0600 or stricter).
    public var keyPath: String?
    /// Signature algorithm; `nil` follows the key.
    public var algorithm: SigningAlgorithm?
    /// Manifest repository; `nil` uses `$XDG_DATA_HOME/assay/manifests.sqlite`.
    public var repositoryPath: String?
    /// Whether to record the manifest in the repository (durable credentials).
    public var storeInRepository: Bool
    /// The environment (config and data folders).
    public var environment: [String: String]
    /// RFC 3161 time-stamp authority for the manifest's signature; `nil` (the default) makes no network
    /// access and records the claim's own time only.
    public var timeStampURL: String?

    /// Creates options.
    public init(producer: String, generator: ContentLabel.Generator, profile: LabelProfile = .default,
                promptDigest: String? = nil, crf: Int = 18, preset: String = "medium", encoderThreads: Int = 0,
                watermarkStrength: Double = 1.0, watermarkSSIMLossBudget: Double? = nil,
                watermarkKeyPath: String? = nil, certificatePath: String? = nil, keyPath: String? = nil, algorithm: SigningAlgorithm? = nil, repositoryPath: String? = nil,
                storeInRepository: Bool = true, environment: [String: String] = ProcessInfo.processInfo.environment,
                timeStampURL: String? = nil)
    {
        self.producer = producer
        self.generator = generator
        self.profile = profile
        self.promptDigest = promptDigest
        self.crf = crf
        self.preset = preset
        self.encoderThreads = encoderThreads
        self.watermarkStrength = watermarkStrength
        self.watermarkSSIMLossBudget = watermarkSSIMLossBudget
        self.watermarkKeyPath = watermarkKeyPath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.algorithm = algorithm
        self.repositoryPath = repositoryPath
        self.storeInRepository = storeInRepository
        self.environment = environment
        self.timeStampURL = timeStampURL
    }
}

/// What a label run produced.
public struct LabelResult: Sendable, Codable {
    /// The output file.
    public var output: String
    /// The label written (content ID, producer, generator, time, source type).
    public var label: ContentLabel
    /// The active manifest label.
    public var manifestLabel: String
    /// Manifests in the output's store (more than one when the input's history was kept).
    public var manifestCount: Int
    /// The GB 45438 label written.
    public var aigc: AIGCLabel
    /// Frames decoded, marked and encoded.
    public var frames: Int
    /// The profile applied.
    public var profile: LabelProfile
    /// The repository the manifest was stored in, if any.
    public var repositoryPath: String?
    /// Things the user should know (an existing AIGC label replaced, an input manifest kept as ingredient, …).
    public var notes: [String]
    /// What the watermark cost in picture quality on a sample of frames (before the encode); nil when no frame was
    /// marked.
    public var watermarkQuality: WatermarkQuality? = nil

    /// Records the watermark's quality report, with a note when it misses a goal.
    mutating func record(_ quality: WatermarkQuality?, capped: Bool) {
        watermarkQuality = quality
        if let note = quality?.note(capped: capped) { notes.append(note) }
    }
}

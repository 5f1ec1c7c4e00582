import ArgumentParser
import Assay
import AssayBMFF
import AssayC2PA
import AssayCore
import Foundation

/// `assay label`: watermark, encode, GB 45438 metadata, signed C2PA manifest, repository.
struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label", abstract: "Label generated video: watermark + C2PA manifest + GB 45438 AIGC metadata.",
        discussion: """
            Input `-` with --raw WxH@FPS reads raw yuv420p frames from standard input, so a generator in any \
            language can pipe frames in. The input is never modified; the output appears complete or not at all.
            """)

    @Argument(help: "Input video, or - with --raw.")
    var input: String

    @Option(name: .shortAndLong, help: "Output MP4.")
    var output: String

    @Option(help: "Generator name (C2PA claim_generator_info, EU/CA system name).")
    var generator: String

    @Option(name: .customLong("generator-version"), help: "Generator version.")
    var generatorVersion: String

    @Option(help: "Organisation responsible (GB 45438 ContentProducer). Default: the signing certificate's organisation.")
    var producer: String?

    @Option(name: .customLong("prompt-file"), help: "Prompt file: only its SHA-256 is recorded.")
    var promptFile: String?

    @Option(help: "Profile: default, cn (adds a visible caption), eu, ca.")
    var profile: String = "default"

    @Option(help: "x264 CRF.")
    var crf = 18

    @Option(help: "x264 preset.")
    var preset = "medium"

    @Option(help: "Encoder threads (0 = auto).")
    var threads = 0

    @Option(help: "Watermark strength (1 = default, about 48 dB PSNR-Y).")
    var strength = 1.0

    @Flag(inversion: .prefixedNo,
          help: "Lower the watermark on flat and dark areas to keep SSIM-Y >= 0.995 (costs some robustness).")
    var ssimCap = false

    @Option(name: .customLong("watermark-key"), help: "Watermark key (default $XDG_CONFIG_HOME/assay/watermark.key).")
    var watermarkKey: String?

    @OptionGroup(title: "Signing")
    var signing: SigningOptions

    @Option(help: "Manifest repository (default $XDG_DATA_HOME/assay/manifests.sqlite).")
    var repository: String?

    @Flag(name: .customLong("no-repository"), help: "Do not record the manifest in the repository.")
    var noRepository = false

    @Option(help: "Raw input geometry WxH@FPS (with input -).")
    var raw: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard LabelProfile(rawValue: profile) != nil else {
            throw ValidationError("--profile must be one of \(LabelProfile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if input == "-" && raw == nil { throw ValidationError("input - needs --raw WxH@FPS") }
        if raw != nil && input != "-" { throw ValidationError("--raw reads standard input: give - as the input") }
    }

    func run() throws {
        do {
            var digest: String?
            if let promptFile {
                guard let data = FileManager.default.contents(atPath: promptFile) else {
                    throw AssayError(.io, "cannot read the prompt file \(promptFile)")
                }
                digest = SHA256Hasher.digest([UInt8](data)).map { String(format: "%02x", $0) }.joined()
            }
            var options = LabelOptions(
                producer: producer ?? "", generator: .init(name: generator, version: generatorVersion),
                profile: LabelProfile(rawValue: profile)!, promptDigest: digest, crf: crf, preset: preset,
                encoderThreads: threads, watermarkStrength: strength,
                watermarkSSIMLossBudget: ssimCap ? LabelOptions.ssimCapBudget : nil,
                watermarkKeyPath: watermarkKey,
                certificatePath: signing.cert, keyPath: signing.key, algorithm: try signing.algorithm(),
                repositoryPath: repository, storeInRepository: !noRepository, timeStampURL: signing.tsa)
            if producer == nil { options.producer = try Labeler.defaultProducer(options: options) }
            let labeler = try Labeler(options: options)
            let result: LabelResult
            if let raw {
                result = try labelRaw(raw, labeler: labeler)
            } else {
                result = try labeler.label(input: input, output: output)
            }
            if json {
                try emitJSON(result)
            } else {
                emit("labeled \(result.output): \(result.frames) frames, profile \(result.profile.rawValue)\n")
                emit("  content ID  \(result.label.contentID.hex)\n")
                emit("  manifest    \(result.manifestLabel) (\(result.manifestCount) in store)\n")
                emit("  AIGC        \(result.aigc.jsonString())\n")
                if let r = result.repositoryPath { emit("  repository  \(r)\n") }
                if let q = result.watermarkQuality {
                    let psnr = q.psnrY.map { String(format: "%.1f dB", $0) } ?? "no change"
                    emit("  watermark   PSNR-Y \(psnr), SSIM-Y \(String(format: "%.4f", q.ssimY)) (worst "
                         + "\(String(format: "%.4f", q.worstSSIMY))) on \(q.framesMeasured) frame\(q.framesMeasured == 1 ? "" : "s") measured\n")
                }
                for n in result.notes { emit("  note        \(n)\n") }
            }
        } catch let e as ValidationError {
            throw e
        } catch {
            printError("assay label: \(error)")
            throw ExitCode(2)
        }
    }

    private func labelRaw(_ spec: String, labeler: Labeler) throws -> LabelResult {
        let parts = spec.split(whereSeparator: { $0 == "x" || $0 == "@" }).compactMap { Int($0) }
        guard parts.count == 3, parts[0] >= 2, parts[1] >= 2, parts[0] <= 8192, parts[1] <= 8192, parts[2] >= 1 else {
            throw ValidationError("--raw takes WxH@FPS, e.g. 1280x720@30")
        }
        let (w, h, fps) = (parts[0], parts[1], parts[2])
        let writer = try LabeledVideoWriter(output: output, width: w, height: h, frameRate: fps, labeler: labeler)
        let frameSize = RawFrames.frameSize(width: w, height: h)
        var buffer = [UInt8](repeating: 0, count: frameSize)
        while try RawFrames.readFull(fd: 0, into: &buffer) {
            try writer.append(try RawFrames.frame(buffer, width: w, height: h))
        }
        return try writer.finish()
    }
}

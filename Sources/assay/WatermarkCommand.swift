import ArgumentParser
import Assay
import AssayCore
import Foundation

/// `assay watermark`: embed and detect the watermark directly (testing and debugging).
struct WatermarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watermark", abstract: "Embed or detect the invisible watermark directly.",
        subcommands: [Embed.self, Detect.self])

    struct Embed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-encode a video with the watermark (no manifest).")
        @Argument(help: "Input video.") var input: String
        @Option(name: .shortAndLong, help: "Output MP4.") var output: String
        @Option(help: "Payload: 16 hex digits, or a 32-digit content ID (its first 64 bits are used).") var payload: String
        @Option(help: "Watermark key (default $XDG_CONFIG_HOME/assay/watermark.key).") var key: String?
        @Option(help: "Strength (1 = default).") var strength = 1.0
        @Flag(inversion: .prefixedNo, help: "Lower the mark on flat and dark areas to keep SSIM-Y >= 0.995.")
        var ssimCap = false
        @Option(help: "x264 CRF.") var crf = 18
        @Option(help: "x264 preset.") var preset = "medium"

        func run() throws {
            let bits: UInt64
            if payload.count == 16, let v = UInt64(payload, radix: 16) {
                bits = v
            } else if let id = try? ContentID(hex: payload) {
                bits = id.watermarkPayload
            } else {
                throw ValidationError("--payload takes 16 hex digits or a 32-digit content ID")
            }
            do {
                let n = try WatermarkJob.embed(input: input, output: output, keyPath: key ?? AssayPaths().watermarkKey,
                                               payload: bits, strength: strength,
                                               ssimLossBudget: ssimCap ? LabelOptions.ssimCapBudget : nil,
                                               crf: crf, preset: preset)
                emit("marked \(output): \(n) frames, payload \(String(format: "%016llx", bits))\n")
            } catch {
                printError("assay watermark embed: \(error)")
                throw ExitCode(2)
            }
        }
    }

    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look for the watermark of a key.", discussion: "Exit codes: 0 present, 3 not present, 2 error.")
        @Argument(help: "The clip.") var file: String
        @Option(help: "Watermark key (default $XDG_CONFIG_HOME/assay/watermark.key).") var key: String?
        @Option(help: "Seconds of video read.") var seconds: Double = 6
        @Flag(name: .customLong("all-windows"),
              help: "Read every 2 s window of the span instead of stopping at the first one with the payload.")
        var allWindows = false
        @Flag(inversion: .prefixedNo,
              help: "Also search zoom-outs, rotations to about 10 degrees and flipped crops (the default).")
        var extendedSearch = true
        @Flag(inversion: .prefixedNo,
              help: "With the extended search, also search crops to 2.5x rescaled back (the default).")
        var largeCropSearch = true
        @Flag(inversion: .prefixedNo,
              help: "Also read each window's first intra-coded frame on its own (the default; reads heavily compressed clips better).")
        var intraTest = true
        @Flag(inversion: .prefixedNo,
              help: "Divide the residual by its local RMS before reading the mark (the default).")
        var normalization = true
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            try validateSeconds(seconds)
        }

        func run() throws {
            let e: WatermarkEvidence
            do {
                var options = VerifyOptions(watermarkKeyPath: key ?? AssayPaths().watermarkKey, classifier: false,
                                            decodeSeconds: seconds)
                options.watermarkStopsWhenSettled = !allWindows
                options.watermarkExtendedGeometrySearch = extendedSearch
                options.watermarkLargeCropSearch = largeCropSearch
                options.watermarkIntraFrameTest = intraTest
                options.watermarkResidualNormalization = normalization
                let v = try Verifier(options: options)
                e = try v.detectWatermark(path: file)
            } catch {
                printError("assay watermark detect: \(error)")
                throw ExitCode(2)
            }
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                emit(String(decoding: (try? enc.encode(e)) ?? Data(), as: UTF8.self) + "\n")
            } else {
                emit("\(file): watermark \(e.present ? "present" : "not found"), p = \(formatPValue(e.pValue))"
                    + (e.payload.map { String(format: ", payload %016llx", $0) } ?? "")
                    + (e.candidatePayloads ?? []).map { String(format: ", unconfirmed list candidate %016llx", $0) }.joined()
                    + "\n")
                for s in e.segments {
                    emit("  \(s.start)–\(s.end)  \(s.present ? "present" : "—")  p = \(formatPValue(s.pValue))\n")
                }
            }
            if !e.present { throw ExitCode(3) }
        }
    }
}

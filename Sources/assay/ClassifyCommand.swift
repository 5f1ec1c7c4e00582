import ArgumentParser
import Assay
import AssayCore
import Foundation

/// `assay classify`: the artifact classifier alone.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify", abstract: "Look for artifacts of neural generation (a calibrated score, never proof).")

    @Argument(help: "The clip.")
    var file: String

    @Option(help: "Model folder (default Classifiers/assay-npr-lr-2).")
    var model: String?

    @Option(help: "Seconds of video analysed.")
    var seconds: Double = 6

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        try validateSeconds(seconds)
    }

    func run() throws {
        do {
            let v = try Verifier(options: VerifyOptions(classifierModel: model, watermark: false, decodeSeconds: seconds))
            let e = try v.classify(path: file)
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                emit(String(decoding: try enc.encode(e), as: UTF8.self) + "\n")
            } else {
                var line = "\(file): \(e.decision.rawValue)"
                if let s = e.score { line += String(format: ", score %.3f", s) }
                if let p = e.pValue { line += ", p = \(formatPValue(p))" }
                emit(line + " (model \(e.modelID))\n")
                for r in e.reasons { emit("  \(r)\n") }
                for s in e.segments { emit(String(format: "  %@–%@  score %.3f\n", s.start.description, s.end.description, s.score)) }
            }
        } catch {
            printError("assay classify: \(error)")
            throw ExitCode(2)
        }
    }
}

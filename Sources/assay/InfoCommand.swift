import ArgumentParser
import Assay
import Foundation

/// `assay info`: streams, duration, box tree and provenance found, like ffprobe.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show a clip's streams, box tree and any provenance found (no validation).")

    @Argument(help: "The file.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors("assay info") {
            let report = try Inspector.inspect(path: file)
            if json {
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                emit(String(decoding: try e.encode(report), as: UTF8.self) + "\n")
            } else {
                emit(Inspector.text(report))
            }
            if report.media == nil && report.boxes == nil { throw ExitCode(5) }
        }
    }
}

import ArgumentParser
import Assay
import AssayCore
import Foundation

/// `assay verify`: every lane, one fused verdict, CI-grade exit codes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a clip: manifest, watermark, classifier, one verdict.",
        discussion: """
            Exit codes: 0 verified, 1 tampered/invalid, 2 error, 3 no provenance, 4 valid but untrusted, \
            5 unsupported format. --fail-on limits which outcomes fail (the others exit 0).
            """)

    @Argument(help: "The clip.")
    var file: String

    @Option(help: "Trust anchors (PEM bundle), in addition to $XDG_CONFIG_HOME/assay/trust.pem.")
    var trust: String?

    @Option(help: "Certificate revocation list (PEM; repeatable), in addition to $XDG_CONFIG_HOME/assay/crl.pem.")
    var crl: [String] = []

    @Option(name: .customLong("watermark-key"), help: "Watermark key (default $XDG_CONFIG_HOME/assay/watermark.key).")
    var watermarkKey: String?

    @Option(help: "Manifest repository (default $XDG_DATA_HOME/assay/manifests.sqlite).")
    var repository: String?

    @Option(help: "Classifier model folder (default Classifiers/assay-npr-lr-2).")
    var model: String?

    @Flag(name: .customLong("no-watermark"), help: "Skip the watermark lane.")
    var noWatermark = false

    @Flag(name: .customLong("no-classifier"), help: "Skip the classifier lane.")
    var noClassifier = false

    @Option(help: "Seconds of video decoded for the watermark and classifier lanes.")
    var seconds: Double = 6

    @Flag(name: .customLong("all-windows"),
          help: "Analyse every 2 s watermark window of the span (per-segment results for spliced clips) instead of stopping at the first window with the payload.")
    var allWindows = false

    @Flag(name: .customLong("no-repository-match"),
          help: "Do not match a present watermark's undecoded soft bits against the manifest repository's payloads.")
    var noRepositoryMatch = false

    @Flag(help: "Print the versioned JSON report (schema assay.verify/2).")
    var json = false

    @Flag(name: .customLong("c2pa-json"), help: "Print only the C2PA report, shaped like c2pa-rs's Reader JSON.")
    var c2paJSON = false

    @Option(help: "Also write a self-contained HTML report to this path.")
    var html: String?

    @Flag(help: "Check the GB 45438 label only: exit 0 if one is found and consistent, 3 if none, 1 if inconsistent.")
    var aigc = false

    @Option(name: .customLong("fail-on"), help: "Comma-separated outcomes that fail: tampered, error, no-provenance, untrusted, unsupported.")
    var failOn: String?

    func validate() throws {
        try validateSeconds(seconds)
    }

    func run() throws {
        let policy = try FailOn.parse(failOn)
        let verifier: Verifier
        do {
            var options = VerifyOptions(
                trustPath: trust, watermarkKeyPath: watermarkKey, repositoryPath: repository, classifierModel: model,
                watermark: !noWatermark && !aigc, classifier: !noClassifier && !aigc, decodeSeconds: seconds,
                thumbnails: html == nil ? 0 : 4)
            options.revocationListPaths = crl
            options.watermarkStopsWhenSettled = !allWindows
            options.watermarkRepositoryMatch = !noRepositoryMatch
            verifier = try Verifier(options: options)
        } catch {
            printError("assay verify: \(error)")
            throw ExitCode(2)
        }
        let report = verifier.verify(path: file, displayPath: file)
        if aigc { return try aigcOnly(report) }
        do {
            if c2paJSON {
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                emit(report.c2pa.map { String(decoding: (try? e.encode($0)) ?? Data(), as: UTF8.self) } ?? "null")
                emit("\n")
            } else if json {
                emit(String(decoding: try report.jsonData(), as: UTF8.self) + "\n")
            } else {
                emit(TextReport(colour: isTerminal(1)).render(report))
            }
            if let html { try writeAtomically(try HTMLReport().render(report), to: html) }
        } catch {
            printError("assay verify: \(error)")
            throw ExitCode(2)
        }
        let code = FailOn.code(report.verdict.outcome, policy: policy)
        if code != 0 { throw ExitCode(code) }
    }

    private func aigcOnly(_ report: VerifyReport) throws {
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            emit(String(decoding: try e.encode(report.aigc), as: UTF8.self) + "\n")
        } else if report.aigc.isEmpty {
            emit("\(file): no GB 45438 label (no MP4 AIGC entry, no XMP TC260:AIGC)\n")
        } else {
            for a in report.aigc {
                emit("\(file): GB 45438 label [\(a.source.rawValue)] Label \(a.label.label), ContentProducer "
                    + "\(a.label.contentProducer), ProduceID \(a.label.produceID), integrity \(a.integrity.rawValue)\n")
            }
        }
        if report.aigc.isEmpty { throw ExitCode(3) }
        if report.aigc.contains(where: { $0.integrity == .mismatch }) { throw ExitCode(1) }
    }
}

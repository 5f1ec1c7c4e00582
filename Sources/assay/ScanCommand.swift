import ArgumentParser
import Assay
import AssayCore
import Foundation

/// `assay scan`: batch verification of folders, archives and file lists; resumable, parallel,
/// shardable across machines.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Scan folders, zip/tar/tar.gz archives and file lists; resumable and parallel.",
        subcommands: [Local.self, Plan.self, Run.self, Merge.self], defaultSubcommand: Local.self)

    /// Options shared by every scan that verifies.
    struct VerifyFlags: ParsableArguments {
        @Option(help: "Trust anchors (PEM bundle).") var trust: String?
        @Option(help: "Certificate revocation list (PEM; repeatable).") var crl: [String] = []
        @Option(name: .customLong("watermark-key"), help: "Watermark key.") var watermarkKey: String?
        @Option(help: "Manifest repository.") var repository: String?
        @Option(help: "Classifier model folder.") var model: String?
        @Flag(name: .customLong("no-classifier"), help: "Skip the classifier lane.") var noClassifier = false
        @Flag(name: .customLong("no-watermark"), help: "Skip the watermark lane.") var noWatermark = false
        @Flag(name: .customLong("no-repository-match"),
              help: "Do not match a present watermark's undecoded soft bits against the manifest repository's payloads.")
        var noRepositoryMatch = false
        @Option(help: "Seconds of video decoded per file.") var seconds: Double = 6
        @Option(name: .shortAndLong, help: "Files verified in parallel.") var jobs = 1
        @Option(help: "Comma-separated extensions to scan.") var ext: String?
        @Flag(name: .customLong("no-hash"), help: "Do not hash file contents (identical files are then verified twice).")
        var noHash = false
        @Flag(name: .shortAndLong, help: "No progress and no summary on stderr.") var quiet = false
        @Flag(name: .shortAndLong, help: "One line per file on stderr.") var verbose = false
        @Option(name: .customLong("fail-on"), help: "Exit non-zero if any file has one of these outcomes (comma-separated).")
        var failOn: String?

        /// Refuses bad flags before any file is read (a bad `--fail-on` used to be noticed after the scan).
        func validate() throws {
            _ = try FailOn.parse(failOn)
            if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            try validateSeconds(seconds)
        }

        func enumerator() -> ScanInputEnumerator {
            guard let ext else { return ScanInputEnumerator() }
            return ScanInputEnumerator(extensions: Set(ext.split(separator: ",").map(String.init)))
        }

        func scanner(out: String) throws -> ScanJob {
            var options = VerifyOptions(
                trustPath: trust, watermarkKeyPath: watermarkKey, repositoryPath: repository, classifierModel: model,
                watermark: !noWatermark, classifier: !noClassifier, decodeSeconds: seconds, decoderThreads: jobs > 1 ? 1 : 2,
                thumbnails: 1)
            options.revocationListPaths = crl
            options.watermarkRepositoryMatch = !noRepositoryMatch
            let verifier = try Verifier(options: options)
            if verbose { for n in verifier.laneNotes { printError("assay scan: \(n)") } }
            return try ScanJob(verifier: verifier, options: .init(jobs: jobs, outputDirectory: out,
                                                                 enumerator: enumerator(), hashContent: !noHash))
        }

        func progress() -> (@Sendable (ScanJob.Progress) -> Void)? {
            if quiet { return nil }
            let tty = isTerminal(2)
            let verbose = self.verbose
            return { p in
                if verbose { printError("\(p.lastBucket ?? "?")\t\(p.last ?? "")") }
                guard tty else { return }
                let rate = p.elapsed > 0 ? Double(p.done) / p.elapsed : 0
                let eta = rate > 0 ? Double(p.total - p.done) / rate : 0
                let width = 28
                let filled = p.total > 0 ? min(width, p.done * width / p.total) : width
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                let mb = Double(p.bytesDone) / 1_048_576
                let line = String(format: "\r%@ %d/%d files  %.1f MiB  %.1f files/s  ETA %ds ", bar, p.done, p.total, mb, rate,
                                  Int(eta))
                FileHandle.standardError.write(Data(line.utf8))
                if p.done == p.total { FileHandle.standardError.write(Data("\n".utf8)) }
            }
        }

        func finish(_ summary: ScanSummary, out: String) throws {
            if !quiet {
                let b = summary.buckets
                printError("scanned \(summary.files) files: \(b.trusted) trusted, \(b.validUntrusted) valid-untrusted, "
                    + "\(b.tampered) tampered, \(b.recoveredByWatermark) recovered-by-watermark, \(b.watermarkOnly) "
                    + "watermark-only, \(b.unsigned) unsigned, \(b.aiArtifacts) ai-artifacts, \(b.errors) errors")
                printError("reports in \(out): results.jsonl summary.json report.csv report.html")
            }
            guard let policy = try FailOn.parse(failOn) else { return }
            // The most severe failing outcome decides the exit code (tampered first).
            let order: [Verdict.Outcome] = [.tampered, .error, .untrusted, .noProvenance, .unsupported]
            for o in order where policy.contains(o) {
                if (summary.exitCodes[String(o.exitCode)] ?? 0) > 0 { throw ExitCode(o.exitCode) }
            }
        }
    }

    /// `assay scan INPUT…`.
    struct Local: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "local", abstract: "Scan on this machine (the default: `assay scan DIR`).")
        @Argument(help: "Folders, files, zip, tar or tar.gz archives.") var inputs: [String] = []
        @Option(name: .customLong("files-from"), help: "Read paths from a file (- for stdin), newline or NUL separated.")
        var filesFrom: String?
        @Option(name: .shortAndLong, help: "Output folder (reports and the resumable job table).") var out = "assay-scan"
        @OptionGroup var flags: VerifyFlags

        func validate() throws {
            if inputs.isEmpty && filesFrom == nil { throw ValidationError("give folders, files or archives, or --files-from") }
        }

        func run() throws {
            try reportingErrors("assay scan") {
                var all = inputs
                if let filesFrom {
                    let data = filesFrom == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                        : (FileManager.default.contents(atPath: filesFrom) ?? Data())
                    all += ScanInputEnumerator.parseFileList(data)
                }
                let summary = try flags.scanner(out: out).run(inputs: all, progress: flags.progress())
                try flags.finish(summary, out: out)
            }
        }
    }

    /// `assay scan plan`.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Split a scan into shards balanced by bytes.")
        @Argument(help: "Folders, files, zip, tar or tar.gz archives.") var inputs: [String]
        @Option(help: "Number of shards.") var shards: Int
        @Option(name: .shortAndLong, help: "Plan folder.") var out: String
        @Option(help: "Comma-separated extensions to scan.") var ext: String?

        func run() throws {
            do {
                let e = ext.map { ScanInputEnumerator(extensions: Set($0.split(separator: ",").map(String.init))) }
                    ?? ScanInputEnumerator()
                let plan = try ScanPlan.make(inputs: inputs, shards: shards, enumerator: e, directory: out)
                emit("plan in \(out): \(plan.itemCounts.reduce(0, +)) files in \(plan.shards) shards\n")
                for i in 0..<plan.shards {
                    emit("  shard \(i): \(plan.itemCounts[i]) files, \(plan.byteCounts[i]) bytes\n")
                }
                for p in plan.problems { printError("assay scan plan: \(p)") }
            } catch {
                printError("assay scan plan: \(error)")
                throw ExitCode(2)
            }
        }
    }

    /// `assay scan run --plan DIR --shard I`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan one shard of a plan (index from --shard, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID).")
        @Option(help: "Plan folder.") var plan: String
        @Option(help: "Shard index.") var shard: Int?
        @Option(help: "Results folder; the shard writes into <results>/shard-NNNN/.") var results: String
        @OptionGroup var flags: VerifyFlags

        func run() throws {
            guard let index = shard ?? ScanPlan.shardFromEnvironment() else {
                throw ValidationError("no --shard, and neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set")
            }
            try reportingErrors("assay scan run") {
                let p = try ScanPlan.load(directory: plan)
                let items = try p.items(shard: index, directory: plan)
                let out = (results as NSString).appendingPathComponent(ScanPlan.shardFolderName(index))
                let summary = try flags.scanner(out: out).run(items: items, progress: flags.progress())
                try flags.finish(summary, out: out)
            }
        }
    }

    /// `assay scan merge`.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join the shard results of a plan into one report.")
        @Option(help: "Plan folder.") var plan: String
        @Option(help: "Results folder given to `scan run`.") var results: String
        @Option(name: .shortAndLong, help: "Output folder for the merged reports.") var out: String

        func run() throws {
            try reportingErrors("assay scan merge") {
                let p = try ScanPlan.load(directory: plan)
                let (summary, missing) = try p.merge(resultsDirectory: results, outputDirectory: out)
                emit("merged \(summary.files) files from \(p.shards - missing.count) of \(p.shards) shards into \(out)\n")
                if !missing.isEmpty {
                    printError("assay scan merge: no results yet for shards \(missing.map(String.init).joined(separator: ", "))")
                    throw ExitCode(2)
                }
            }
        }
    }
}

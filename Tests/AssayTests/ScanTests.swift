import Assay
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Scans a small mixed corpus with the real verifier: folders, a zip and a tar, hostile files.
@Suite(.serialized) struct ScanTests {
    let env: LabelEnvironment
    init() throws { env = try LabelEnvironment.shared.get() }

    /// labeled, tampered, stripped (recoverable), unsigned ×2 (identical), junk, a zip (labeled stored +
    /// unsigned deflated), a tar (unsigned), a folder symlink loop and an odd file name.
    func makeCorpus() throws -> (dir: String, labeledID: ContentID) {
        let root = env.output("corpus")
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/nested/deeper", withIntermediateDirectories: true)
        let unsigned = try TestFixtures.generated("h264_aac.mp4").path
        let labeled = root + "/labeled.mp4"
        let r = try env.labeler().label(input: unsigned, output: labeled)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: labeled))
        bytes[bytes.count - 1500] ^= 0x33
        try bytes.write(to: URL(fileURLWithPath: root + "/nested/tampered.mp4"))
        try LabelEnvironment.ffmpeg(["-i", labeled, "-map_metadata", "-1", "-c:v", "libx264", "-crf", "23", "-preset",
                                     "veryfast", "-an", root + "/nested/deeper/stripped.mp4"])
        try fm.copyItem(atPath: unsigned, toPath: root + "/unsigned.mp4")
        try fm.copyItem(atPath: unsigned, toPath: root + "/nested/we ird ✓ 'name'.mov")
        try Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: root + "/junk.mp4"))
        try fm.createSymbolicLink(atPath: root + "/nested/loop", withDestinationPath: root)
        let py = """
            import sys, tarfile, zipfile
            root, labeled, unsigned = sys.argv[1:4]
            with zipfile.ZipFile(root + '/bundle.zip', 'w') as z:
                z.write(labeled, 'in-zip/labeled.mp4', compress_type=zipfile.ZIP_STORED)
                z.write(unsigned, 'in-zip/unsigned.mp4', compress_type=zipfile.ZIP_DEFLATED)
                z.writestr('readme.txt', 'not a video')
            with tarfile.open(root + '/bundle.tar', 'w') as t:
                t.add(unsigned, 'in-tar/clip.mp4')
            """
        let p = try Subprocess.run("/usr/bin/env", ["python3", "-c", py, root, labeled, unsigned])
        #expect(p.status == 0, "\(p.stderrText)")
        return (root, r.label.contentID)
    }

    @Test func scanBucketsResumesAndReports() throws {
        let corpus = try makeCorpus()
        let out = env.output("scan-out")
        let job = try ScanJob(verifier: try env.verifier(thumbnails: 1), options: .init(jobs: 2, outputDirectory: out))
        let summary = try job.run(inputs: [corpus.dir])
        let b = summary.buckets
        // labeled.mp4 and in-zip/labeled.mp4 are identical: one is verified, the other reuses the result.
        #expect(b.trusted == 2, "\(summary)")
        #expect(b.tampered == 1)
        #expect(b.recoveredByWatermark == 1)
        #expect(b.unsigned == 4)  // unsigned.mp4, the odd name, the zip's deflated member, the tar member
        #expect(b.errors == 1)  // junk.mp4
        #expect(summary.files == 9)
        #expect(summary.signers["Test Org Assay Signer"] == 4)  // two trusted, the recovered one, the tampered one

        // Every file once in results.jsonl; archive members are keyed archive!member.
        let lines = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 9)
        let parsed = try lines.map { try ScanResultLine.parse(String($0)) }
        #expect(Set(parsed.map(\.key)).count == 9)
        #expect(parsed.contains { $0.key == corpus.dir + "/bundle.zip!in-zip/labeled.mp4" && $0.bucket == "trusted" })
        #expect(parsed.contains { $0.member == "in-tar/clip.mp4" && $0.bucket == "unsigned" })
        #expect(parsed.first { $0.key.hasSuffix("stripped.mp4") }?.report?.verdict.manifest?.label?.contentID == corpus.labeledID)

        // A second run over the same output folder scans nothing again.
        let again = try ScanJob(verifier: try env.verifier(), options: .init(jobs: 2, outputDirectory: out))
        nonisolated(unsafe) var progressCalls = 0
        let summary2 = try again.run(inputs: [corpus.dir]) { _ in progressCalls += 1 }
        #expect(progressCalls == 0)
        #expect(summary2.files == 9)
        #expect(try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n").count == 9)

        // A changed file is scanned again; the others are not.
        try FileManager.default.removeItem(atPath: corpus.dir + "/junk.mp4")
        try FileManager.default.copyItem(atPath: try TestFixtures.generated("h264_aac.mp4").path, toPath: corpus.dir + "/junk.mp4")
        progressCalls = 0
        let summary3 = try again.run(inputs: [corpus.dir]) { _ in progressCalls += 1 }
        #expect(progressCalls == 1)
        #expect(summary3.buckets.errors == 0)
        #expect(summary3.buckets.unsigned == 5)

        // CSV: header + one row per file; summary.json decodes.
        let csv = try String(contentsOfFile: out + "/report.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 10)
        #expect(csv[0].hasPrefix("path,member,size,bucket"))
        let s = try JSONDecoder().decode(ScanSummary.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
        #expect(s == summary3)
    }

    @Test func problemsAndVanishedFilesAreErrorsAndTheScanGoesOn() throws {
        let dir = env.output("vanish")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let keep = dir + "/keep.mp4"
        try FileManager.default.copyItem(atPath: try TestFixtures.generated("h264_aac.mp4").path, toPath: keep)
        let gone = ScanItem(path: dir + "/gone.mp4", size: 10, modificationTime: 1)
        let kept = ScanItem(path: keep, size: Int64(try Data(contentsOf: URL(fileURLWithPath: keep)).count), modificationTime: 2)
        let out = env.output("vanish-out")
        let job = try ScanJob(verifier: try env.verifier(), options: .init(jobs: 1, outputDirectory: out))
        let summary = try job.run(items: [gone, kept],
                                  problems: [.init(path: dir + "/unreadable", message: "Permission denied")])
        #expect(summary.files == 3)
        #expect(summary.buckets.errors == 2)
        #expect(summary.buckets.unsigned == 1)
    }

    /// `.tar.gz` archives made by GNU tar: members are scanned from one decompressed copy per archive
    /// (two workers share it), and a truncated archive is one error, not a crash or a partial listing.
    @Test func tarGzipArchivesAreScannedMemberByMember() throws {
        let root = env.output("tgz")
        let src = root + "/src"
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        let unsigned = try TestFixtures.generated("h264_aac.mp4").path
        try env.labeler().label(input: unsigned, output: src + "/labeled.mp4")
        try FileManager.default.copyItem(atPath: unsigned, toPath: src + "/plain.mp4")
        try FileManager.default.copyItem(atPath: try TestFixtures.generated("vp9.webm").path, toPath: src + "/other.webm")
        let tar = try Subprocess.run("/usr/bin/env", ["tar", "-czf", root + "/clips.tar.gz", "-C", src,
                                                      "labeled.mp4", "plain.mp4", "other.webm"])
        try #require(tar.status == 0, "\(tar.stderrText)")
        let whole = try Data(contentsOf: URL(fileURLWithPath: root + "/clips.tar.gz"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: root + "/cut.tgz"))
        try FileManager.default.removeItem(atPath: src)

        let out = env.output("tgz-out")
        let summary = try ScanJob(verifier: try env.verifier(), options: .init(jobs: 2, outputDirectory: out))
            .run(inputs: [root])
        let lines = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try ScanResultLine.parse(String($0)) }
        #expect(summary.files == 4, "\(lines.map(\.key))")
        #expect(lines.contains { $0.key == root + "/clips.tar.gz!labeled.mp4" && $0.bucket == "trusted" })
        #expect(lines.contains { $0.member == "plain.mp4" && $0.bucket == "unsigned" })
        #expect(lines.contains { $0.member == "other.webm" })
        #expect(summary.buckets.errors == 1)
        #expect(lines.contains { $0.key.hasSuffix("cut.tgz") && ($0.error ?? "").contains("ends early") },
                "\(lines.map { ($0.key, $0.error) })")
        // The decompressed copies are gone with the run's scratch folder.
        #expect(!FileManager.default.fileExists(atPath: out + "/.members"))
    }

    @Test func csvCellsCannotRunAsFormulas() throws {
        let w = try ScanReportWriter(directory: env.output("csv"))
        let item = ScanItem(path: "=HYPERLINK(\"http://x\")", size: 1, modificationTime: 0)
        let csv = w.csv([ScanResultLine(item: item, report: nil, error: "@SUM(A1)", contentSHA256: nil)])
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
        #expect(csv.contains("'@SUM(A1)"))
    }

    @Test func planBalancesByBytesAndMergeJoinsShards() throws {
        let corpus = try makeCorpus()
        let planDir = env.output("plan")
        let plan = try ScanPlan.make(inputs: [corpus.dir], shards: 3, enumerator: ScanInputEnumerator(), directory: planDir)
        #expect(plan.itemCounts.reduce(0, +) == 9)
        let maxBytes = plan.byteCounts.max()!, minBytes = plan.byteCounts.min()!
        #expect(Double(maxBytes - minBytes) <= Double(plan.byteCounts.reduce(0, +)) / 2, "\(plan.byteCounts)")
        let results = env.output("shards")
        for i in 0..<3 {
            let items = try plan.items(shard: i, directory: planDir)
            let job = try ScanJob(verifier: try env.verifier(), options: .init(outputDirectory: results + "/" + ScanPlan.shardFolderName(i)))
            try job.run(items: items)
        }
        let (summary, missing) = try plan.merge(resultsDirectory: results, outputDirectory: env.output("merged"))
        #expect(missing.isEmpty)
        #expect(summary.files == 9)
        #expect(summary.buckets.trusted == 2)
        #expect(ScanPlan.shardFromEnvironment(["JOB_COMPLETION_INDEX": "4"]) == 4)
        #expect(ScanPlan.shardFromEnvironment(["SLURM_ARRAY_TASK_ID": " 7"]) == 7)
        #expect(ScanPlan.shardFromEnvironment([:]) == nil)
    }

    /// A large scan's page shows 100 rows at a time; a summary card filters to its bucket; sorting
    /// covers every row, not just the page. Clicked in headless Chromium.
    @Test(.enabled(if: HeadlessBrowser.executable != nil, "chromium not installed"))
    func htmlReportPaginatesAndFiltersInTheBrowser() throws {
        let buckets = ["trusted", "tampered", "unsigned", "errors", "valid-untrusted"]
        let lines = (0..<250).map { i in
            var l = ScanResultLine(item: ScanItem(path: "/x/f\(i).mp4", size: Int64(1000 + (i * 7919) % 250),
                                                  modificationTime: 0), report: nil, error: nil, contentSHA256: nil)
            l.bucket = buckets[i % buckets.count]
            return l
        }
        let dir = try TemporaryDirectory()
        let html = try ScanReportWriter(directory: dir.url.path).html(lines, summary: ScanSummary(), thumbnails: [:])
        let json = try HeadlessBrowser.evaluate(html: html, probe: """
            const visible = () => [...document.querySelectorAll('#results tbody tr')].filter(r => !r.hidden);
            const info = () => document.getElementById('pageinfo').textContent;
            const first = {n: visible().length, info: info(), prevDisabled: document.getElementById('prev').disabled};
            document.getElementById('next').click(); document.getElementById('next').click();
            const third = {n: visible().length, info: info(), nextDisabled: document.getElementById('next').disabled,
                           firstFile: visible()[0].cells[0].textContent.trim()};
            document.querySelector('#summary .card[data-bucket="tampered"]').click();
            const tampered = {n: visible().length, info: info(), all: visible().every(r => r.dataset.bucket === 'tampered')};
            [...document.querySelectorAll('#results th')].find(t => t.textContent === 'size').click();
            const sizes = visible().map(r => parseInt(r.cells[7].dataset.value));
            const sorted = sizes.every((v, i) => i === 0 || sizes[i - 1] <= v);
            document.querySelector('#summary .card[data-bucket="tampered"]').click();
            const all = {n: visible().length, info: info()};
            return {first, third, tampered, sorted, smallest: sizes[0], all};
            """, in: dir)
        let r = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        let first = r["first"] as? [String: Any], third = r["third"] as? [String: Any]
        let tampered = r["tampered"] as? [String: Any], all = r["all"] as? [String: Any]
        #expect(first?["n"] as? Int == 100 && first?["prevDisabled"] as? Bool == true, "\(json)")
        #expect((first?["info"] as? String)?.hasPrefix("page 1 of 3 · 250 files") == true, "\(json)")
        #expect(third?["n"] as? Int == 50 && third?["nextDisabled"] as? Bool == true, "\(json)")
        #expect(third?["firstFile"] as? String == "/x/f200.mp4", "\(json)")
        #expect(tampered?["n"] as? Int == 50 && tampered?["all"] as? Bool == true, "\(json)")
        #expect((tampered?["info"] as? String)?.contains("in tampered") == true, "\(json)")
        let smallestTampered = lines.filter { $0.bucket == "tampered" }.map(\.size).min()
        #expect(r["sorted"] as? Bool == true && (r["smallest"] as? Int).map(Int64.init) == smallestTampered, "\(json)")
        #expect(all?["n"] as? Int == 100, "\(json)")
    }

    @Test(.enabled(if: HeadlessBrowser.executable != nil, "chromium not installed"))
    func htmlReportSortsInTheBrowser() throws {
        let lines = (0..<5).map { i in
            ScanResultLine(item: ScanItem(path: "/x/f\(i).mp4", size: Int64([30, 10, 50, 20, 40][i]), modificationTime: 0),
                           report: nil, error: "e\(i)", contentSHA256: nil)
        }
        let dir = try TemporaryDirectory()
        let html = try ScanReportWriter(directory: dir.url.path).html(lines, summary: ScanSummary(), thumbnails: [:])
        let json = try HeadlessBrowser.evaluate(html: html, probe: """
            const th = [...document.querySelectorAll('#results th')].find(t => t.textContent === 'size');
            const sizes = () => [...document.querySelectorAll('#results tbody tr')].map(r => r.cells[7].textContent).join(',');
            const before = sizes(); th.click(); const asc = sizes(); th.click(); const desc = sizes();
            return {before, asc, desc, cards: document.querySelectorAll('#summary .card').length};
            """, in: dir)
        #expect(json.contains(#""before":"30,10,50,20,40""#))
        #expect(json.contains(#""asc":"10,20,30,40,50""#))
        #expect(json.contains(#""desc":"50,40,30,20,10""#))
        #expect(json.contains(#""cards":8"#))
    }
}

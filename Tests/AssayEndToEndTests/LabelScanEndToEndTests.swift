import AssayTestSupport
import Foundation
import Testing

/// The built binary: label (file and raw pipe), verify exit codes, info on every fixture, crash
/// safety under SIGKILL, scan resume and sharding across processes, key hygiene.
@Suite(.serialized, .enabled(if: CLIEnvironment.built, "assay binary not built"))
struct LabelScanEndToEndTests {
    @Test func rawFramesFromAPipeAreLabeled() throws {
        let e = try CLIEnvironment()
        let raw = try CLIEnvironment.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2",
                                             "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        #expect(raw.count == 50 * 320 * 240 * 3 / 2)
        let out = e.path("piped.mp4")
        let r = try e.run(["label", "-", "--raw", "320x240@25", "-o", out, "--generator", "pipe-gen",
                           "--generator-version", "2", "--preset", "veryfast", "--json"], stdin: raw)
        #expect(r.status == 0, "\(r.stderrText)")
        let result = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        #expect(result?["frames"] as? Int == 50)
        let v = try e.run(["verify", out, "--json"])
        #expect(v.status == 0, "\(v.stdoutText)")
        // A frame cut short is an error and leaves no output.
        let out2 = e.path("cut.mp4")
        let bad = try e.run(["label", "-", "--raw", "320x240@25", "-o", out2, "--generator", "g", "--generator-version", "1"],
                            stdin: raw.prefix(320 * 240 * 3 / 2 * 3 + 100))
        #expect(bad.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out2))
    }

    @Test func verifyExitCodesAndFailOnPolicy() throws {
        let e = try CLIEnvironment()
        let input = try TestFixtures.generated("h264_aac.mp4").path
        let out = e.path("labeled.mp4")
        #expect(try e.run(["label", input, "-o", out, "--generator", "g", "--generator-version", "1", "--preset", "veryfast"]).status == 0)
        #expect(try e.run(["verify", out]).status == 0)
        #expect(try e.run(["verify", input]).status == 3)
        #expect(try e.run(["verify", input, "--fail-on", "tampered"]).status == 0)
        #expect(try e.run(["verify", input, "--fail-on", "bogus"]).status != 0)
        #expect(try e.run(["verify", e.path("missing.mp4")]).status == 2)
        // A span that decodes nothing is a usage error, not "no watermark found".
        for cmd in [["verify", out], ["classify", out], ["watermark", "detect", out]] {
            for s in ["0", "-1", "nan"] { #expect(try e.run(cmd + ["--seconds=\(s)"]).status == 64, "\(cmd) \(s)") }
        }
        // scan refuses bad flags before it reads a file: no report folder appears.
        let corpus = e.path("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: input, toPath: corpus + "/a.mp4")
        for bad in [["--fail-on", "bogus"], ["-j", "0"], ["--seconds", "0"]] {
            let scanOut = e.path("scan-refused")
            let r = try e.run(["scan", corpus, "--out", scanOut, "-q"] + bad)
            #expect(r.status == 64, "\(bad): \(r.stderrText)")
            #expect(!FileManager.default.fileExists(atPath: scanOut), "\(bad)")
        }
        let aigc = try e.run(["verify", out, "--aigc"])
        #expect(aigc.status == 0)
        #expect(aigc.stdoutText.contains("integrity ok"))
        #expect(try e.run(["verify", input, "--aigc"]).status == 3)
        let html = e.path("r.html")
        #expect(try e.run(["verify", out, "--html", html]).status == 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("data-outcome=\"verified\""))
    }

    @Test func infoNeverCrashesOnFixturesOrHostileFiles() throws {
        let e = try CLIEnvironment(keys: false)
        var files = ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov", "video_only.mkv",
                     "vp9.webm", "mpeg4.avi", "odd_size.mp4", "audio_only.m4a", "single_frame.mp4"]
            .map { try! TestFixtures.generated($0).path }
        files += ["bikes.mp4", "carphone.mp4", "bigbuckbunny.mp4"].map { TestFixtures.bundled($0).path }
        let clip = try Data(contentsOf: URL(fileURLWithPath: files[0]))
        files.append(try e.dir.write("empty.mp4", []).path)
        files.append(try e.dir.write("truncated.mp4", Array(clip.prefix(clip.count / 3))).path)
        files.append(try e.dir.write("random.mp4", (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }).path)
        var huge = [UInt8](repeating: 0, count: 64)
        huge[0...15] = [0, 0, 0, 1, 0x6d, 0x6f, 0x6f, 0x76, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][...]
        files.append(try e.dir.write("huge-box.mp4", huge).path)
        for f in files {
            for args in [["info", f], ["info", f, "--json"]] {
                let r = try e.run(args)
                #expect(r.status == 0 || r.status == 2 || r.status == 5, "\(f): \(r.status) \(r.stderrText)")
            }
        }
        let good = try e.run(["info", files[0], "--json"])
        let obj = try JSONSerialization.jsonObject(with: good.stdout) as? [String: Any]
        #expect(obj?["schema"] as? String == "assay.info/1")
        #expect(((obj?["media"] as? [String: Any])?["streams"] as? [Any])?.count == 2)
    }

    @Test func labelKilledAtAnyPointLeavesTheInputIntactAndNoPartialOutput() throws {
        let e = try CLIEnvironment()
        let input = e.path("input.mp4")
        try FileManager.default.copyItem(atPath: try TestFixtures.generated("clip_720p.mp4").path, toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        var complete = 0
        for (i, delay) in [0.05, 0.2, 0.5, 0.9, 1.4, 2.0, 3.0, 6.0].enumerated() {
            let out = e.path("out-\(i).mp4")
            _ = try e.runKilled(["label", input, "-o", out, "--generator", "g", "--generator-version", "1",
                                 "--preset", "ultrafast", "--threads", "1"], after: delay)
            if delay < 0.1 {
                #expect(!FileManager.default.fileExists(atPath: out), "no label finishes in 50 ms: the kill came first")
            }
            if FileManager.default.fileExists(atPath: out) {
                let v = try e.run(["verify", out, "--no-classifier"])
                #expect(v.status == 0, "output after a kill at \(delay) s must be complete: \(v.stdoutText)")
                complete += 1
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
        print("label kill test: \(complete) of 8 runs finished before their kill; every finished output verified")
        // The manifest repository survived every kill: SQLite's own check passes, and no row exists
        // without its output (rows are inserted after the output is committed, in one transaction).
        let db = e.path("data/assay/manifests.sqlite")
        if FileManager.default.fileExists(atPath: db) {
            let check = try Subprocess.run("/usr/bin/env", ["python3", "-c", """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                print(c.execute('pragma integrity_check').fetchone()[0], c.execute('select count(*) from manifest').fetchone()[0])
                """, db])
            let parts = check.stdoutText.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(parts.first == "ok", "\(check.stdoutText)\(check.stderrText)")
            #expect(Int(parts.last ?? "") ?? Int.max <= complete)
        }
    }

    /// SIGKILL exactly inside the repository's insert transaction (the debug build's fault-injection
    /// point pauses after the row is written to the WAL and before the commit): the row must vanish
    /// with the transaction, the earlier rows and SQLite's integrity must survive, and the next label
    /// must write to the same repository.
    @Test func repositoryKilledInsideTheInsertTransactionRollsBack() throws {
        let e = try CLIEnvironment()
        let input = e.path("input.mp4")
        try FileManager.default.copyItem(atPath: try TestFixtures.generated("h264_aac.mp4").path, toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let label = { (out: String) in
            ["label", input, "-o", out, "--generator", "g", "--generator-version", "1", "--preset", "ultrafast"]
        }
        let first = try e.run(label(e.path("first.mp4")))
        try #require(first.status == 0, "\(first.stderrText)")
        let db = e.path("data/assay/manifests.sqlite")
        let rows = {
            try Subprocess.run("/usr/bin/env", ["python3", "-c", """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                print(c.execute('pragma integrity_check').fetchone()[0])
                for (cid,) in c.execute('select content_id from manifest order by inserted'): print(cid)
                """, db]).stdoutText.split(separator: "\n").map(String.init)
        }
        let afterFirst = try rows()
        try #require(afterFirst.count == 2 && afterFirst[0] == "ok", "\(afterFirst)")

        let marker = e.path("paused")
        let killed = try e.start(label(e.path("second.mp4")), environment: ["ASSAY_FAULT_PAUSE": "repository.insert:" + marker])
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: marker) && killed.isRunning && Date() < deadline { usleep(20_000) }
        let reached = FileManager.default.fileExists(atPath: marker)
        // Uncommitted frames of the paused transaction are in the write-ahead log at the moment of the kill.
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        try #require(reached, "label never reached the insert transaction")
        #expect(wal > 0, "the paused insert had written nothing to the WAL")
        #expect(killed.terminationReason == .uncaughtSignal)

        let afterKill = try rows()
        #expect(afterKill == afterFirst, "the killed insert must roll back: \(afterKill) vs \(afterFirst)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "the input must be intact")
        // The output is committed before the repository insert, so it is complete and verifies.
        let v = try e.run(["verify", e.path("second.mp4"), "--no-classifier"])
        #expect(v.status == 0, "\(v.stdoutText)")

        let again = try e.run(label(e.path("third.mp4")))
        #expect(again.status == 0, "\(again.stderrText)")
        let afterAgain = try rows()
        #expect(afterAgain.count == 3 && afterAgain.first == "ok" && afterAgain.dropLast() == afterFirst[...],
                "\(afterAgain)")
    }

    /// `label --tsa`: the manifest's signature carries an RFC 3161 time-stamp from a loopback TSA
    /// (scripts/tsa-loopback.py over `openssl ts`, with a TSA certificate made by the openssl CLI).
    @Test func labelTimeStampsTheSignatureWithATSA() throws {
        let e = try CLIEnvironment()
        let key = e.path("tsa.key"), cert = e.path("tsa.pem")
        let req = try Subprocess.run("/usr/bin/env", [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=Loopback TSA",
            "-addext", "extendedKeyUsage=critical,timeStamping", "-addext", "keyUsage=critical,digitalSignature"])
        try #require(req.status == 0, "\(req.stderrText)")
        chmod(key, 0o600)
        let tsa = Process()
        tsa.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tsa.arguments = ["python3", TestFixtures.packageRoot.appendingPathComponent("scripts/tsa-loopback.py").path,
                         "--cert", cert, "--key", key]
        let pipe = Pipe()
        tsa.standardOutput = pipe
        tsa.standardError = FileHandle.nullDevice
        try tsa.run()
        defer { kill(tsa.processIdentifier, SIGKILL); tsa.waitUntilExit() }
        var line = [UInt8]()
        while let b = pipe.fileHandleForReading.readData(ofLength: 1).first, b != UInt8(ascii: "\n") { line.append(b) }
        let url = String(decoding: line, as: UTF8.self)
        try #require(url.hasPrefix("http://127.0.0.1:"), "loopback TSA did not start: \(url)")

        let out = e.path("stamped.mp4")
        let r = try e.run(["label", try TestFixtures.generated("h264_aac.mp4").path, "-o", out, "--generator", "g",
                           "--generator-version", "1", "--preset", "ultrafast", "--tsa", url])
        try #require(r.status == 0, "\(r.stderrText)")
        let v = try e.run(["verify", out, "--no-classifier", "--no-watermark", "--json"])
        #expect(v.status == 0, "\(v.stdoutText)")
        #expect(v.stdoutText.contains("timeStamp.validated"), "\(v.stdoutText)")
        // Without --tsa there is no time-stamp at all.
        let plain = e.path("plain.mp4")
        _ = try e.run(["label", try TestFixtures.generated("h264_aac.mp4").path, "-o", plain, "--generator", "g",
                       "--generator-version", "1", "--preset", "ultrafast"])
        #expect(!(try e.run(["verify", plain, "--no-classifier", "--no-watermark", "--json"]).stdoutText
                  .contains("timeStamp.")))
    }

    /// Durable credentials across machines: a clip labeled on machine A, stripped and re-encoded, is
    /// recovered on machine B (same watermark key, A's root trusted) once B imports A's labeled file
    /// with `assay repository import`; tampered and unsigned files are not imported.
    @Test func repositoryImportLetsAnotherMachineRecoverStrippedClips() throws {
        let a = try CLIEnvironment(), b = try CLIEnvironment()
        let aConfig = a.path("config/assay"), bConfig = b.path("config/assay")
        try FileManager.default.removeItem(atPath: bConfig + "/watermark.key")
        try FileManager.default.copyItem(atPath: aConfig + "/watermark.key", toPath: bConfig + "/watermark.key")
        let trust = aConfig + "/trust.pem"
        let labeled = a.path("labeled.mp4"), stripped = a.path("stripped.mp4"), tampered = a.path("tampered.mp4")
        let r = try a.run(["label", try TestFixtures.generated("clip_720p.mp4").path, "-o", labeled, "--generator", "g",
                           "--generator-version", "1", "--preset", "ultrafast"])
        try #require(r.status == 0, "\(r.stderrText)")
        _ = try CLIEnvironment.ffmpeg(["-i", labeled, "-map_metadata", "-1", "-c:v", "libx264", "-crf", "23",
                                       "-preset", "veryfast", "-an", stripped])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: labeled))
        bytes[bytes.count - 2000] ^= 0x55
        try bytes.write(to: URL(fileURLWithPath: tampered))

        let listed = try a.run(["repository", "list", "--json"])
        let records = try JSONSerialization.jsonObject(with: listed.stdout) as? [[String: Any]] ?? []
        try #require(records.count == 1, "\(listed.stdoutText)")
        let contentID = try #require(records[0]["contentID"] as? String)
        let payload = try #require(records[0]["watermarkPayload"] as? String)

        // Machine B knows the watermark key and A's root, but not the manifest: watermark only.
        #expect(try b.run(["verify", stripped, "--trust", trust, "--no-classifier"]).status == 4)
        let imported = try b.run(["repository", "import", labeled, tampered, try TestFixtures.generated("h264_aac.mp4").path,
                                  "--trust", trust, "--json"])
        #expect(imported.status == 1, "one file was skipped: \(imported.stdoutText)")
        let results = try JSONSerialization.jsonObject(with: imported.stdout) as? [[String: Any]] ?? []
        #expect(results.count == 3)
        #expect(results.first?["contentID"] as? String == contentID && results.first?["state"] as? String == "Trusted")
        #expect(results.dropFirst().allSatisfy { $0["contentID"] == nil && $0["problem"] != nil }, "\(imported.stdoutText)")
        let recovered = try b.run(["verify", stripped, "--trust", trust, "--no-classifier"])
        #expect(recovered.status == 0 && recovered.stdoutText.contains("recovered by watermark"), "\(recovered.stdoutText)")

        // Look-up by payload, export as a sidecar holding exactly the embedded store, removal.
        #expect(try b.run(["repository", "show", payload]).stdoutText.contains(contentID))
        let sidecar = b.path("store.c2pa")
        #expect(try b.run(["repository", "export", contentID, "-o", sidecar]).status == 0)
        let store = try Data(contentsOf: URL(fileURLWithPath: sidecar))
        let original = try Data(contentsOf: URL(fileURLWithPath: labeled))
        #expect(store.count > 1000 && original.range(of: store) != nil, "the sidecar is the store embedded in the file")
        #expect(try b.run(["repository", "remove", contentID]).status == 0)
        #expect(try b.run(["repository", "show", contentID]).status == 1)
        #expect(try b.run(["verify", stripped, "--trust", trust, "--no-classifier"]).status == 4)
    }

    /// Revocation from certificate revocation lists made by `openssl ca -gencrl` with the identity's
    /// root: a revoked signer makes the clip untrusted (exit 4, `signingCredential.revoked`); a list
    /// that does not name it, or one the issuer did not sign, changes nothing; a trusted time-stamp
    /// from before the revocation keeps the signature valid.
    @Test func revokedSignersAreUntrustedFromARevocationList() throws {
        let e = try CLIEnvironment()
        let config = e.path("config/assay")
        let labeled = e.path("labeled.mp4")
        let r = try e.run(["label", try TestFixtures.generated("h264_aac.mp4").path, "-o", labeled, "--generator", "g",
                           "--generator-version", "1", "--preset", "ultrafast"])
        try #require(r.status == 0, "\(r.stderrText)")
        let serial = try RevocationListMaker.serial(ofCertificateAt: config + "/signer.pem")
        func crl(_ name: String, serials: [String], revoked: String, key: String, cert: String) throws -> String {
            try RevocationListMaker.make(serials: serials, revoked: revoked, keyPath: key, certPath: cert,
                                         in: e.path("ca-" + name))
        }
        let rootKey = config + "/root-ca.key", rootCert = config + "/root-ca.pem"
        let revoking = try crl("revoking", serials: [serial], revoked: "240101000000Z", key: rootKey, cert: rootCert)
        let other = try crl("other", serials: ["0BADC0DE"], revoked: "240101000000Z", key: rootKey, cert: rootCert)
        // The same list signed by a stranger who copied the root's name: not the issuer's list.
        let strangerKey = e.path("stranger.key"), strangerCert = e.path("stranger.pem")
        let subject = try Subprocess.run("/usr/bin/env", ["openssl", "x509", "-in", rootCert, "-noout", "-subject",
                                                          "-nameopt", "compat"])
            .stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "subject=", with: "")
        let mk = try Subprocess.run("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                                     "ec_paramgen_curve:P-256", "-nodes", "-keyout", strangerKey,
                                                     "-out", strangerCert, "-days", "2", "-subj", subject])
        try #require(mk.status == 0, "\(mk.stderrText)")
        let forged = try crl("forged", serials: [serial], revoked: "240101000000Z", key: strangerKey, cert: strangerCert)

        let verify = { (crls: [String]) in
            try e.run(["verify", labeled, "--no-classifier", "--no-watermark", "--json"] + crls.flatMap { ["--crl", $0] })
        }
        let revoked = try verify([revoking])
        #expect(revoked.status == 4, "\(revoked.stdoutText)")
        #expect(revoked.stdoutText.contains("signingCredential.revoked"))
        let notListed = try verify([other])
        #expect(notListed.status == 0 && notListed.stdoutText.contains("assay.crl.notRevoked"), "\(notListed.stdoutText)")
        let forgedResult = try verify([forged])
        #expect(forgedResult.status == 0 && !forgedResult.stdoutText.contains("signingCredential.revoked")
                && !forgedResult.stdoutText.contains("assay.crl"), "\(forgedResult.stdoutText)")
        // <config>/crl.pem is read without --crl.
        try FileManager.default.copyItem(atPath: revoking, toPath: config + "/crl.pem")
        #expect(try verify([]).status == 4)
    }

    @Test func scanKilledAndResumedScansEveryFileExactlyOnce() throws {
        let e = try CLIEnvironment()
        let corpus = e.path("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        for i in 0..<14 {
            // Distinct content (so no result is reused) with short clips.
            _ = try CLIEnvironment.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "1", "-vf",
                                           "drawbox=x=\(i * 9):y=0:w=8:h=8:color=white:t=fill", "-c:v", "libx264",
                                           "-preset", "ultrafast", corpus + "/clip-\(i).mp4"])
        }
        let out = e.path("scan")
        for delay in [0.6, 1.2] {
            _ = try e.runKilled(["scan", corpus, "--out", out, "-j", "2"], after: delay)
        }
        let final = try e.run(["scan", corpus, "--out", out, "-j", "2"])
        #expect(final.status == 0, "\(final.stderrText)")
        let lines = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 14)
        let keys = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["key"] as? String }
        #expect(Set(keys).count == 14)
    }

    @Test func shardsRunAsSeparateProcessesAndMerge() throws {
        let e = try CLIEnvironment()
        let corpus = e.path("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        for name in ["h264_aac.mp4", "h264_faststart.mp4", "h264_aac.mov", "odd_size.mp4", "vfr.mp4", "rotated.mp4"] {
            try FileManager.default.copyItem(atPath: try TestFixtures.generated(name).path, toPath: corpus + "/" + name)
        }
        let plan = e.path("plan")
        #expect(try e.run(["scan", "plan", corpus, "--shards", "3", "--out", plan]).status == 0)
        let results = e.path("results")
        // Three shard processes at once; shard 1 gets its index from the Kubernetes variable.
        let procs: [Process] = try (0..<3).map { i in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLIEnvironment.binary)
            p.arguments = ["scan", "run", "--plan", plan, "--results", results, "-q"] + (i == 1 ? [] : ["--shard", "\(i)"])
            var env = ProcessInfo.processInfo.environment
            for (k, v) in e.env { env[k] = v }
            if i == 1 { env["JOB_COMPLETION_INDEX"] = "1" }
            p.environment = env
            try p.run()
            return p
        }
        for p in procs { p.waitUntilExit() }
        #expect(procs.allSatisfy { $0.terminationStatus == 0 })
        // Running a shard again is idempotent.
        #expect(try e.run(["scan", "run", "--plan", plan, "--results", results, "--shard", "2", "-q"]).status == 0)
        let merged = e.path("merged")
        let m = try e.run(["scan", "merge", "--plan", plan, "--results", results, "--out", merged])
        #expect(m.status == 0, "\(m.stderrText)")
        let lines = try String(contentsOfFile: merged + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
    }

    @Test func keyMaterialNeverAppearsInOutputs() throws {
        let e = try CLIEnvironment()
        let config = e.path("config/assay")
        let signerKey = try String(contentsOfFile: config + "/signer.key", encoding: .utf8)
        let wmKey = try String(contentsOfFile: config + "/watermark.key", encoding: .utf8)
        // Secret fragments: a line of the PEM body and the hex of the watermark key.
        let secrets = [signerKey.split(separator: "\n")[1], wmKey.split(separator: "\n").last!].map(String.init)
        var outputs = ""
        let input = try TestFixtures.generated("h264_aac.mp4").path
        let out = e.path("o.mp4")
        for args in [["label", input, "-o", out, "--generator", "g", "--generator-version", "1", "--preset", "veryfast", "--json"],
                     ["verify", out, "--json"], ["verify", out], ["info", out, "--json"], ["scan", e.path("."), "--out", e.path("s")]] {
            let r = try e.run(args)
            outputs += r.stdoutText + r.stderrText
        }
        for f in ["s/results.jsonl", "s/report.csv", "s/report.html", "s/summary.json"] {
            outputs += (try? String(contentsOfFile: e.path(f), encoding: .utf8)) ?? ""
        }
        for s in secrets { #expect(!outputs.contains(s), "key material leaked") }
        #expect(!outputs.contains("PRIVATE KEY"))
        // Loose permissions are refused with a clear message, for both keys.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config + "/watermark.key")
        let r = try e.run(["label", input, "-o", e.path("x.mp4"), "--generator", "g", "--generator-version", "1"])
        #expect(r.status == 2)
        #expect(r.stderrText.contains("chmod 600"))
    }

    /// A tmpfs of a few hundred KiB stands in for a full disk (needs root, as CI and developers have here).
    static let tinyDisk: String? = {
        let dir = NSTemporaryDirectory() + "assay-full-disk-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = try? Subprocess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=320k", "tmpfs", dir])
        return r?.status == 0 ? dir : nil
    }()

    @Test(.enabled(if: LabelScanEndToEndTests.tinyDisk != nil, "cannot mount a tmpfs here (not root?)"))
    func fullDiskDuringLabelLeavesNoOutputAndTheInputIntact() throws {
        let disk = Self.tinyDisk!
        defer { _ = try? Subprocess.run("/bin/umount", [disk]) }
        let e = try CLIEnvironment()
        let input = try TestFixtures.generated("h264_aac.mp4").path
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let out = disk + "/out.mp4"
        let r = try e.run(["label", input, "-o", out, "--generator", "g", "--generator-version", "1", "--preset", "veryfast",
                           "--crf", "12"])
        #expect(r.status == 2, "\(r.stdoutText)")
        #expect(r.stderrText.contains("No space left") || r.stderrText.lowercased().contains("space"), "\(r.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk).isEmpty, "no output and no temp files")
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
    }
}

import AssayCore
import Foundation

/// Renders a ``VerifyReport`` as one self-contained HTML page: verdict, provenance history, a
/// per-segment timeline of watermark and classifier results, key frames, and the JSON report
/// embedded for machines (`<script type="application/json" id="assay-report">`). No external
/// resources: it opens offline and in mail attachments.
public struct HTMLReport: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The page.
    public func render(_ report: VerifyReport) throws -> String {
        let v = report.verdict
        let name = (report.file.path as NSString).lastPathComponent
        let headline = TextReport(colour: false).headline(v.outcome)
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Assay: \(esc(headline)) — \(esc(name))</title>
            <style>\(Self.css)</style></head><body>
            <header class="verdict \(esc(v.outcome.rawValue))" id="verdict" data-outcome="\(esc(v.outcome.rawValue))"
              data-exit-code="\(report.exitCode)">
            <h1>\(esc(headline))</h1><p class="file">\(esc(report.file.path))</p>
            <ul class="reasons">\(v.reasons.map { "<li>\(esc($0))</li>" }.joined())</ul></header>
            <main>
            """
        h += section("File", table(fileRows(report.file)))
        h += manifestSection(v.manifest, c2pa: report.c2pa)
        h += timelineSection(report)
        h += watermarkSection(v.watermark)
        h += classifierSection(v.classifier)
        h += aigcSection(report.aigc)
        if !report.thumbnails.isEmpty {
            let imgs = report.thumbnails.map {
                "<figure><img alt=\"frame at \(esc($0.time.description))\" src=\"data:image/png;base64,"
                    + Data($0.png).base64EncodedString() + "\"><figcaption>\(esc($0.time.description))</figcaption></figure>"
            }
            h += section("Key frames", "<div class=\"thumbs\" id=\"thumbnails\">\(imgs.joined())</div>")
        }
        let json = String(decoding: try report.jsonData(pretty: true), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")  // `<` occurs only inside JSON strings
        h += """
            </main><footer>\(esc(report.tool))\(report.elapsedSeconds.map { String(format: " · %.2f s", $0) } ?? "")</footer>
            <script type="application/json" id="assay-report">\(json)</script>
            </body></html>

            """
        return h
    }

    private func fileRows(_ f: VerifyReport.FileSummary) -> [(String, String)] {
        var rows: [(String, String)] = [("Path", f.path)]
        if let s = f.size { rows.append(("Size", "\(s) bytes")) }
        if let fm = f.format { rows.append(("Format", fm)) }
        if let d = f.duration { rows.append(("Duration", String(format: "%.2f s", d))) }
        if let w = f.width, let ht = f.height { rows.append(("Video", "\(w)×\(ht)")) }
        return rows
    }

    private func manifestSection(_ m: ManifestEvidence?, c2pa: JSONValue?) -> String {
        guard let m else { return section("Manifest", "<p id=\"manifest-state\" data-state=\"none\">No C2PA manifest.</p>") }
        var rows: [(String, String)] = [
            ("State", m.state.rawValue),
            ("Source", m.source == .recoveredByWatermark ? "recovered from the manifest repository by watermark" : "embedded"),
        ]
        if let a = m.activeManifest { rows.append(("Active manifest", a)) }
        if let s = m.signer {
            rows.append(("Signer", [s.commonName, s.organization].compactMap { $0 }.joined(separator: ", ")))
            if let i = s.issuer { rows.append(("Issuer", i)) }
            if let a = s.algorithm { rows.append(("Algorithm", a)) }
            if let t = s.time { rows.append(("Time-stamp", t)) }
        }
        if let l = m.label {
            rows.append(("Generator", l.generator.description))
            rows.append(("Producer", l.producer))
            rows.append(("Content ID", l.contentID.hex))
            rows.append(("Source type", l.digitalSourceType.rawValue))
        }
        var body = "<p id=\"manifest-state\" data-state=\"\(esc(m.state.rawValue))\"></p>" + table(rows)
        body += historyTree(c2pa)
        let statusRows = m.statuses.map {
            "<tr class=\"\($0.kind.rawValue)\"><td>\($0.kind.rawValue)</td><td><code>\(esc($0.code))</code></td>"
                + "<td>\(esc($0.explanation ?? ""))</td></tr>"
        }
        if !statusRows.isEmpty {
            body += "<table class=\"status\" id=\"status-codes\"><thead><tr><th>kind</th><th>code</th><th>explanation</th></tr>"
                + "</thead><tbody>\(statusRows.joined())</tbody></table>"
        }
        return section("Manifest", body)
    }

    /// The provenance history from the c2pa-rs-shaped report: each manifest with its ingredients.
    private func historyTree(_ c2pa: JSONValue?) -> String {
        guard let c2pa, case .object(let manifests)? = c2pa["manifests"] else { return "" }
        let active = c2pa["active_manifest"]?.stringValue
        func node(_ label: String, depth: Int, seen: Set<String>) -> String {
            guard depth < 16, !seen.contains(label), let m = manifests.first(where: { $0.0 == label })?.1 else {
                return "<li><code>\(esc(label))</code></li>"
            }
            var title = m["title"]?.stringValue ?? ""
            if let gen = m["claim_generator_info"], case .array(let arr) = gen, let first = arr.first {
                title += (title.isEmpty ? "" : " · ") + (first["name"]?.stringValue ?? "")
            }
            var children = ""
            if case .array(let ingredients)? = m["ingredients"] {
                let items = ingredients.map { ing -> String in
                    let t = ing["title"]?.stringValue ?? "ingredient"
                    let rel = ing["relationship"]?.stringValue ?? ""
                    if let ml = ing["active_manifest"]?.stringValue {
                        return "<li>\(esc(t)) <span class=\"rel\">\(esc(rel))</span><ul>"
                            + node(ml, depth: depth + 1, seen: seen.union([label])) + "</ul></li>"
                    }
                    return "<li>\(esc(t)) <span class=\"rel\">\(esc(rel))</span> (no manifest)</li>"
                }
                children = items.isEmpty ? "" : "<ul>\(items.joined())</ul>"
            }
            return "<li><code>\(esc(label))</code> \(esc(title))\(children)</li>"
        }
        guard let active else { return "" }
        return "<h3>History</h3><ul class=\"tree\" id=\"history\">\(node(active, depth: 0, seen: []))</ul>"
    }

    private func timelineSection(_ r: VerifyReport) -> String {
        let wm = r.verdict.watermark?.segments ?? []
        let cl = r.verdict.classifier?.segments ?? []
        let end = max(r.file.duration ?? 0, (wm.map(\.end.seconds) + cl.map(\.end.seconds)).max() ?? 0)
        guard end > 0, !(wm.isEmpty && cl.isEmpty) else { return "" }
        let width = 800.0
        func x(_ t: Double) -> String { String(format: "%.1f", 100 + t / end * (width - 110)) }
        func w(_ a: Double, _ b: Double) -> String { String(format: "%.1f", max(1, (b - a) / end * (width - 110))) }
        var svg = "<svg id=\"timeline\" viewBox=\"0 0 \(Int(width)) 80\" role=\"img\" aria-label=\"timeline\">"
        svg += "<text x=\"4\" y=\"24\">watermark</text><text x=\"4\" y=\"56\">classifier</text>"
        for s in wm {
            let cls = s.present ? "wm-present" : "wm-absent"
            svg += "<rect class=\"seg \(cls)\" data-start=\"\(s.start.seconds)\" data-end=\"\(s.end.seconds)\" x=\"\(x(s.start.seconds))\" y=\"10\" width=\"\(w(s.start.seconds, s.end.seconds))\" height=\"20\"><title>\(esc(s.start.description))–\(esc(s.end.description)) p=\(esc(formatPValue(s.pValue)))</title></rect>"
        }
        for s in cl {
            let shade = Int(255 - s.score * 200)
            svg += "<rect class=\"seg cls\" data-score=\"\(s.score)\" x=\"\(x(s.start.seconds))\" y=\"42\" width=\"\(w(s.start.seconds, s.end.seconds))\" height=\"20\" fill=\"rgb(255,\(shade),\(shade))\"><title>score \(String(format: "%.2f", s.score))</title></rect>"
        }
        svg += "<text x=\"100\" y=\"78\">0 s</text><text x=\"\(Int(width) - 40)\" y=\"78\">\(String(format: "%.1f", end)) s</text></svg>"
        return section("Timeline", svg)
    }

    private func watermarkSection(_ w: WatermarkEvidence?) -> String {
        guard let w else { return section("Watermark", "<p>Not checked.</p>") }
        var rows: [(String, String)] = [
            ("Present", w.present ? "yes" : "no"), ("p-value", formatPValue(w.pValue)),
            ("Threshold", formatPValue(w.threshold)),
        ]
        if let p = w.payload {
            let how = w.payloadConfirmation.map { " (\($0.summary))" } ?? ""
            rows.append(("Payload", hex16(p) + how))
            if let m = w.payloadMatch {
                rows.append(("Repository match", String(format: "r = %.3f ≥ τ = %.3f over %d stored payloads",
                                                         m.correlation, m.threshold, m.comparedPayloads)))
            }
        } else if let c = w.candidatePayloads, !c.isEmpty {
            rows.append(("Unconfirmed candidates", c.map(hex16).joined(separator: ", ")))
        }
        if let k = w.keyFingerprint { rows.append(("Key", k)) }
        return section("Watermark", "<div id=\"watermark\" data-present=\"\(w.present)\">" + table(rows) + "</div>")
    }

    private func classifierSection(_ c: ClassifierEvidence?) -> String {
        guard let c else { return section("Classifier", "<p>Not run.</p>") }
        var rows: [(String, String)] = [("Decision", c.decision.rawValue), ("Model", c.modelID)]
        if let s = c.score { rows.append(("Score", String(format: "%.3f", s))) }
        if let p = c.pValue { rows.append(("p-value", formatPValue(p))) }
        let reasons = c.reasons.map { "<li>\(esc($0))</li>" }.joined()
        return section("Classifier", "<div id=\"classifier\" data-decision=\"\(esc(c.decision.rawValue))\">"
            + table(rows) + (reasons.isEmpty ? "" : "<ul>\(reasons)</ul>") + "</div>")
    }

    private func aigcSection(_ a: [VerifyReport.AIGCFinding]) -> String {
        guard !a.isEmpty else { return section("GB 45438 label", "<p id=\"aigc\" data-count=\"0\">None.</p>") }
        let tables = a.map { f in
            table([("Source", f.source.rawValue), ("Label", f.label.label), ("ContentProducer", f.label.contentProducer),
                   ("ProduceID", f.label.produceID), ("ReservedCode1", f.label.reservedCode1),
                   ("Integrity", f.integrity.rawValue)])
        }
        return section("GB 45438 label", "<div id=\"aigc\" data-count=\"\(a.count)\">\(tables.joined())</div>")
    }

    private func section(_ title: String, _ body: String) -> String {
        "<section><h2>\(esc(title))</h2>\(body)</section>\n"
    }

    private func table(_ rows: [(String, String)]) -> String {
        "<table>" + rows.map { "<tr><th>\(esc($0.0))</th><td>\(esc($0.1))</td></tr>" }.joined() + "</table>"
    }

    private static let css = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
        header.verdict{padding:18px 28px;color:#fff}header h1{margin:0;font-size:28px}
        .verified{background:#1d7a3a}.tampered,.error{background:#b3261e}.untrusted,.unsupported{background:#a05a00}
        .no-provenance{background:#375a7f}.file{margin:4px 0;opacity:.9;word-break:break-all}
        main{padding:8px 28px;max-width:1100px}section{margin:18px 0}h2{font-size:18px;border-bottom:1px solid #ddd}
        table{border-collapse:collapse}th,td{text-align:left;padding:3px 10px 3px 0;vertical-align:top}
        th{color:#555;font-weight:600}table.status td{padding-right:14px}tr.failure td{color:#b3261e}
        .thumbs{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}figcaption{font-size:12px;color:#555}
        .seg.wm-present{fill:#1d7a3a}.seg.wm-absent{fill:#ccc}svg text{font-size:12px}
        ul.tree code{font-size:12px}.rel{color:#555;font-size:12px}footer{padding:12px 28px;color:#777;font-size:12px}
        """
}

/// Escapes text for HTML element content and attribute values.
func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}

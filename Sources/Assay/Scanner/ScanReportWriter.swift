import AssayCore
import Foundation

/// Writes a scan's reports: `results.jsonl`, `summary.json`, `report.csv`, `report.html`, each atomically.
public struct ScanReportWriter: Sendable {
    /// The output folder.
    public let directory: String

    /// Creates a writer for `directory` (created if missing).
    public init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AssayError(.io, "cannot create the output folder \(directory): \(error.localizedDescription)")
        }
    }

    /// Path of a report file.
    public func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Writes every report from the lines, in order, and returns the summary.
    @discardableResult
    public func writeAll(_ lines: [ScanResultLine], thumbnails: [String: [UInt8]] = [:]) throws -> ScanSummary {
        var summary = ScanSummary()
        for l in lines {
            if let r = l.report { summary.add(r, size: l.size) } else { summary.addError(size: l.size) }
        }
        try write("results.jsonl", lines.map { try $0.jsonLine() + "\n" }.joined())
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try write("summary.json", String(decoding: try e.encode(summary), as: UTF8.self) + "\n")
        try write("report.csv", csv(lines))
        try write("report.html", html(lines, summary: summary, thumbnails: thumbnails))
        return summary
    }

    func write(_ name: String, _ text: String) throws {
        let w = try AtomicFileWriter(destinationPath: path(name))
        try w.write(Array(text.utf8))
        try w.commit()
    }

    /// CSV with a header row; cells that a spreadsheet would run as formulas are prefixed with `'`.
    public func csv(_ lines: [ScanResultLine]) -> String {
        var out = "path,member,size,bucket,outcome,exit_code,manifest_state,signer,generator,content_id,"
            + "watermark_present,watermark_p,classifier_decision,classifier_score,error\n"
        for l in lines {
            let v = l.report?.verdict
            let m = v?.manifest
            let cells: [String] = [
                l.path, l.member ?? "", String(l.size), l.bucket, v?.outcome.rawValue ?? "error",
                String(l.report?.exitCode ?? 2), m?.state.rawValue ?? "",
                m?.signer?.commonName ?? "", m?.label?.generator.description ?? "",
                (m?.label?.contentID ?? m?.softBinding)?.hex ?? "",
                v?.watermark.map { $0.present ? "true" : "false" } ?? "",
                v?.watermark.map { String($0.pValue) } ?? "",
                v?.classifier?.decision.rawValue ?? "", v?.classifier?.score.map { String($0) } ?? "",
                l.error ?? "",
            ]
            out += cells.map(csvCell).joined(separator: ",") + "\n"
        }
        return out
    }

    private func thumbnailNote(_ lines: [ScanResultLine], _ thumbnails: [String: [UInt8]]) -> String {
        let withThumbnail = lines.count { thumbnails[$0.key] != nil }
        guard withThumbnail > Self.maxHTMLThumbnails else { return "" }
        return " · frames shown for the first \(Self.maxHTMLThumbnails) of \(withThumbnail) files"
    }

    private func csvCell(_ s: String) -> String {
        var v = s
        if let f = v.first, "=+-@\t\r".contains(f), Double(v) == nil { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    /// Most thumbnails embedded in `report.html` (the first files that have one), so that the page of a
    /// scan of a million files stays loadable; every row is still listed.
    public static let maxHTMLThumbnails = 1000
    /// Rows shown per page of `report.html`.
    public static let htmlPageSize = 100

    /// A self-contained page: summary counts (click one to show only that bucket), a sortable table in
    /// pages of ``htmlPageSize`` rows, thumbnails, a drill-down per file. Without JavaScript every row shows.
    public func html(_ lines: [ScanResultLine], summary: ScanSummary, thumbnails: [String: [UInt8]]) -> String {
        let b = summary.buckets
        let counts: [(String, Int)] = [
            ("trusted", b.trusted), ("valid-untrusted", b.validUntrusted), ("tampered", b.tampered),
            ("recovered-by-watermark", b.recoveredByWatermark), ("watermark-only", b.watermarkOnly),
            ("unsigned", b.unsigned), ("ai-artifacts", b.aiArtifacts), ("errors", b.errors),
        ]
        var h = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Assay scan: \(summary.files) files</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#1b1b1b}table{border-collapse:collapse;width:100%}
            th,td{padding:4px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
            th{cursor:pointer;background:#f3f3f3;user-select:none}th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
            .cards{display:flex;gap:10px;flex-wrap:wrap;margin:12px 0}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
            .card b{display:block;font-size:22px}.b-trusted{color:#1d7a3a}.b-tampered,.b-errors{color:#b3261e}
            .b-valid-untrusted,.b-watermark-only{color:#a05a00}img.thumb{height:54px}details summary{cursor:pointer}
            .card{cursor:pointer}.card.active{outline:2px solid #1b1b1b}#pager{margin:8px 0}#pager button{margin:0 6px}
            </style></head><body>
            <h1>Assay scan</h1><p>\(summary.files) files, \(summary.bytes) bytes\(thumbnailNote(lines, thumbnails))</p>
            <div class="cards" id="summary">
            """
        for (k, n) in counts { h += "<div class=\"card b-\(k)\" data-bucket=\"\(k)\"><b>\(n)</b>\(k)</div>" }
        h += """
            </div><div id="pager"><button id="prev">◀ previous</button><span id="pageinfo"></span><button id="next">next ▶</button></div>
            <table id="results"><thead><tr><th data-type="text">file</th><th data-type="text">bucket</th>
            <th data-type="text">manifest</th><th data-type="text">signer</th><th data-type="text">generator</th>
            <th data-type="num">watermark p</th><th data-type="text">classifier</th><th data-type="num">size</th>
            <th>frame</th></tr></thead><tbody>
            """
        var thumbnailsLeft = Self.maxHTMLThumbnails
        for l in lines {
            let v = l.report?.verdict
            let name = l.member.map { "\(l.path) ! \($0)" } ?? l.path
            let wp = v?.watermark.map { $0.pValue } ?? 1
            var detail = (v?.reasons ?? []).map { "<li>\(esc($0))</li>" }.joined()
            if let e = l.error { detail += "<li>error: \(esc(e))</li>" }
            for s in v?.manifest?.statuses.filter({ $0.kind == .failure }) ?? [] { detail += "<li><code>\(esc(s.code))</code></li>" }
            var thumb = ""
            if thumbnailsLeft > 0, let png = thumbnails[l.key] {
                thumb = "<img class=\"thumb\" alt=\"\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\">"
                thumbnailsLeft -= 1
            }
            h += """
                <tr data-bucket="\(esc(l.bucket))"><td><details><summary>\(esc(name))</summary><ul>\(detail)</ul></details></td>
                <td class="b-\(esc(l.bucket))">\(esc(l.bucket))</td><td>\(esc(v?.manifest?.state.rawValue ?? "—"))</td>
                <td>\(esc(v?.manifest?.signer?.commonName ?? ""))</td><td>\(esc(v?.manifest?.label?.generator.description ?? ""))</td>
                <td data-value="\(wp)">\(v?.watermark == nil ? "" : esc(formatPValue(wp)))</td>
                <td>\(esc(v?.classifier?.decision.rawValue ?? ""))</td><td data-value="\(l.size)">\(l.size)</td><td>\(thumb)</td></tr>

                """
        }
        h += """
            </tbody></table>
            <script>
            const tbody = document.querySelector('#results').tBodies[0], pageSize = \(Self.htmlPageSize);
            let page = 0, filter = null;
            const shown = () => [...tbody.rows].filter(r => !filter || r.dataset.bucket === filter);
            function render() {
              const rows = shown(), pages = Math.max(1, Math.ceil(rows.length / pageSize));
              page = Math.max(0, Math.min(page, pages - 1));
              for (const r of tbody.rows) r.hidden = true;
              rows.slice(page * pageSize, (page + 1) * pageSize).forEach(r => { r.hidden = false; });
              document.getElementById('pageinfo').textContent =
                `page ${page + 1} of ${pages} · ${rows.length} files${filter ? ' in ' + filter : ''}`;
              document.getElementById('prev').disabled = page === 0;
              document.getElementById('next').disabled = page >= pages - 1;
            }
            document.getElementById('prev').addEventListener('click', () => { page--; render(); });
            document.getElementById('next').addEventListener('click', () => { page++; render(); });
            document.querySelectorAll('#summary .card').forEach(card => card.addEventListener('click', () => {
              filter = filter === card.dataset.bucket ? null : card.dataset.bucket;
              document.querySelectorAll('#summary .card').forEach(c => c.classList.toggle('active', c.dataset.bucket === filter));
              page = 0; render();
            }));
            document.querySelectorAll('#results th[data-type]').forEach((th, col) => th.addEventListener('click', () => {
              const asc = !th.classList.contains('sorted-asc');
              th.parentNode.querySelectorAll('th').forEach(t => t.classList.remove('sorted-asc', 'sorted-desc'));
              th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
              const key = r => { const c = r.cells[col]; return th.dataset.type === 'num' ? parseFloat(c.dataset.value) : c.textContent.trim().toLowerCase(); };
              [...tbody.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); })
                .forEach(r => tbody.appendChild(r));
              page = 0; render();
            }));
            render();
            </script></body></html>

            """
        return h
    }
}

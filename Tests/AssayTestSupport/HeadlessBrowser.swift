import Foundation

/// Headless Chromium (Debian's `chromium`) for tests that check what a person would see.
public enum HeadlessBrowser {
    /// The browser binary, if installed.
    public static let executable: String? = Subprocess.which("chromium") ?? Subprocess.which("chromium-browser")

    /// Loads `html` in the browser, runs `probe` (JavaScript that returns a JSON-serialisable value) after
    /// the page has loaded, and returns the value's JSON text. The page itself is not changed on disk:
    /// the probe is appended to a copy.
    public static func evaluate(html: String, probe: String, in dir: TemporaryDirectory) throws -> String {
        guard let exe = executable else { throw TestFixtures.FixtureError(message: "chromium is not installed") }
        let script = """
            <script>window.addEventListener('load', () => { let r; try { r = JSON.stringify((() => { \(probe) })()); }
            catch (e) { r = JSON.stringify({probeError: String(e)}); }
            const out = document.createElement('pre'); out.id = '__probe'; out.textContent = r;
            document.body.appendChild(out); });</script>
            """
        let page = dir.path("probe-\(UUID().uuidString).html")
        try Data((html + script).utf8).write(to: page)
        let r = try Subprocess.run(exe, ["--headless=new", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000",
                                         "--dump-dom", page.absoluteString])
        guard r.status == 0 else {
            throw TestFixtures.FixtureError(message: "chromium exited \(r.status): \(r.stderrText.suffix(400))")
        }
        let dom = r.stdoutText
        guard let s = dom.range(of: "<pre id=\"__probe\">"), let e = dom.range(of: "</pre>", range: s.upperBound..<dom.endIndex)
        else { throw TestFixtures.FixtureError(message: "probe output missing from the DOM") }
        return String(dom[s.upperBound..<e.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Takes a PNG screenshot of `html` (for people to look at; tests only check it was written).
    public static func screenshot(html: URL, to png: URL, width: Int = 1100, height: Int = 1400) throws {
        guard let exe = executable else { throw TestFixtures.FixtureError(message: "chromium is not installed") }
        _ = try Subprocess.run(exe, ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                     "--window-size=\(width),\(height)", "--screenshot=\(png.path)", html.absoluteString])
    }
}

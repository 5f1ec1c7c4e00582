import Assay
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Renders the HTML report in headless Chromium and inspects the live DOM.
@Suite(.enabled(if: HeadlessBrowser.executable != nil, "chromium not installed (scripts/install-deps.sh installs it)"))
struct HTMLReportBrowserTests {
    struct Probe: Decodable {
        var outcome: String
        var exitCode: String
        var headline: String
        var reasons: Int
        var watermarkSegments: Int
        var presentSegments: Int
        var classifierSegments: Int
        var historyItems: Int
        var thumbnailsLoaded: Int
        var statusRows: Int
        var embeddedOutcome: String
        var externalResources: Int
    }

    @Test func domShowsVerdictTimelineHistoryAndThumbnails() throws {
        let dir = try TemporaryDirectory()
        let html = try HTMLReport().render(try ReportTests.sampleReport(thumbnails: true))
        let json = try HeadlessBrowser.evaluate(html: html, probe: """
            const q = s => document.querySelectorAll(s);
            return {
              outcome: q('#verdict')[0].dataset.outcome, exitCode: q('#verdict')[0].dataset.exitCode,
              headline: q('#verdict h1')[0].textContent, reasons: q('#verdict li').length,
              watermarkSegments: q('#timeline rect.wm-present, #timeline rect.wm-absent').length,
              presentSegments: q('#timeline rect.wm-present').length,
              classifierSegments: q('#timeline rect.cls').length,
              historyItems: q('#history li').length,
              thumbnailsLoaded: [...q('#thumbnails img')].filter(i => i.complete && i.naturalWidth > 0).length,
              statusRows: q('#status-codes tbody tr').length,
              embeddedOutcome: JSON.parse(q('#assay-report')[0].textContent).verdict.outcome,
              externalResources: [...q('[src],[href]')].filter(e => !/^data:/.test(e.getAttribute('src') || e.getAttribute('href'))).length,
            };
            """, in: dir)
        let p = try JSONDecoder().decode(Probe.self, from: Data(json.utf8))
        #expect(p.outcome == "verified")
        #expect(p.exitCode == "0")
        #expect(p.headline == "VERIFIED")
        #expect(p.reasons >= 2)
        #expect(p.watermarkSegments == 2)
        #expect(p.presentSegments == 1)
        #expect(p.classifierSegments == 1)
        #expect(p.historyItems == 3)  // active manifest → ingredient (parentOf) → the parent's manifest
        #expect(p.thumbnailsLoaded == 1)  // the PNG decodes in a real browser
        #expect(p.statusRows == 2)
        #expect(p.embeddedOutcome == "verified")
        #expect(p.externalResources == 0)
    }
}

import Foundation

/// Crash-safety testing: stops the process at a named point so a test can kill it exactly there.
///
/// Only debug builds honour it (release builds compile it out). `ASSAY_FAULT_PAUSE=<point>:<marker>`
/// makes the process create `<marker>` when it reaches `<point>` and then sleep for a minute; the test
/// waits for the marker and sends SIGKILL. Points: `repository.insert` (inside the insert transaction,
/// after the row was written and before the commit).
enum FaultInjection {
    static func pause(at point: String) {
        #if DEBUG
        guard let spec = ProcessInfo.processInfo.environment["ASSAY_FAULT_PAUSE"],
            let colon = spec.firstIndex(of: ":"), spec[..<colon] == point
        else { return }
        _ = FileManager.default.createFile(atPath: String(spec[spec.index(after: colon)...]), contents: Data())
        sleep(60)
        #endif
    }
}

internal import CFFmpeg

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where FFmpeg's own log messages (`av_log`) go.
///
/// By default only messages at ``Level/error`` or worse are kept; they go to standard error, a message
/// identical to the previous one is dropped, and after ``defaultLineBudget`` lines per process the default
/// output goes quiet, so damaged files cannot flood standard error. Install a ``handler`` to route messages
/// elsewhere (a report, a test), or set ``level`` to ``Level/quiet`` to silence FFmpeg entirely.
public enum MediaLog {
    /// FFmpeg log levels (`AV_LOG_*`).
    public enum Level: Int32, Sendable, Comparable {
        /// Nothing is logged.
        case quiet = -8
        /// Something went wrong and cannot be recovered.
        case fatal = 8
        /// Something went wrong (the default threshold).
        case error = 16
        /// Something looks odd but processing goes on.
        case warning = 24
        /// Informational messages (encoder statistics, stream details).
        case info = 32

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Receives one formatted FFmpeg log line (without the trailing newline).
    public typealias Handler = @Sendable (Level, String) -> Void

    private static let state = LogState()

    /// The most verbose level that is passed on. Default ``Level/error``.
    public static var level: Level {
        get { state.withLock { $0.level } }
        set {
            install()
            state.withLock { $0.level = newValue }
            av_log_set_level(newValue.rawValue)
        }
    }

    /// Where messages go; `nil` (the default) writes them to standard error.
    public static var handler: Handler? {
        get { state.withLock { $0.handler } }
        set {
            install()
            state.withLock { $0.handler = newValue }
        }
    }

    /// Installs the routing callback once; every entry point of AssayMedia calls this.
    static func install() {
        _ = installed
    }

    private static let installed: Bool = {
        av_log_set_level(Level.error.rawValue)
        av_log_set_callback(assayLogCallback)
        return true
    }()

    /// How many lines the default handler writes to standard error per process before it goes quiet.
    public static let defaultLineBudget = 20

    fileprivate static func deliver(level: Int32, line: String) {
        guard !line.isEmpty else { return }
        let (threshold, handler, print) = state.withLock { s -> (Level, Handler?, String?) in
            guard level <= s.level.rawValue, s.handler == nil else { return (s.level, s.handler, nil) }
            let repeated = s.lastLine == line
            s.lastLine = line
            guard !repeated, s.linesWritten <= defaultLineBudget else { return (s.level, nil, nil) }
            s.linesWritten += 1
            if s.linesWritten > defaultLineBudget {
                return (s.level, nil, "[ffmpeg] further FFmpeg messages suppressed (set MediaLog.handler to see them)")
            }
            return (s.level, nil, "[ffmpeg] \(line)")
        }
        guard level <= threshold.rawValue else { return }
        let mapped: Level =
            level <= Level.fatal.rawValue
            ? .fatal
            : level <= Level.error.rawValue ? .error : level <= Level.warning.rawValue ? .warning : .info
        if let handler {
            handler(mapped, line)
        } else if let print {
            var text = Array((print + "\n").utf8)
            _ = text.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        }
    }
}

/// The C-convention callback given to `av_log_set_callback`.
private func assayLogCallback(
    _ avcl: UnsafeMutableRawPointer?,
    _ level: Int32,
    _ fmt: UnsafePointer<CChar>?,
    _ args: CVaListPointer?
) {
    guard let fmt, let args, level <= av_log_get_level() else { return }
    var printPrefix: Int32 = 1
    let line = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { buffer -> String in
        guard let base = buffer.baseAddress else { return "" }
        base[0] = 0
        _ = av_log_format_line2(avcl, level, fmt, args, base, Int32(buffer.count), &printPrefix)
        base[buffer.count - 1] = 0
        return String(cString: base)
    }
    var trimmed = Substring(line)
    while let last = trimmed.last, last == "\n" || last == "\r" { trimmed = trimmed.dropLast() }
    MediaLog.deliver(level: level, line: String(trimmed))
}

/// Mutable log state behind a mutex (the callback runs on FFmpeg's threads).
private final class LogState: @unchecked Sendable {
    struct Values {
        var level: MediaLog.Level = .error
        var handler: MediaLog.Handler?
        var lastLine = ""
        var linesWritten = 0
    }
    private var values = Values()
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout Values) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&values)
    }
}

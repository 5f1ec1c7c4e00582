import ArgumentParser
import Assay
import AssayCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes `text` to standard output and flushes (results go to stdout; logs and progress to stderr).
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Writes `value` as pretty, key-sorted JSON (ISO 8601 dates) to standard output.
func emitJSON(_ value: some Encodable) throws {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    e.dateEncodingStrategy = .iso8601
    emit(String(decoding: try e.encode(value), as: UTF8.self) + "\n")
}

/// Whether standard output / error is a terminal.
func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

/// Exit with a verify outcome's code.
func exitCode(_ code: Int32) -> ExitCode { ExitCode(code) }

/// Runs a command's `body`; a thrown error other than an exit or validation error is printed after `command`
/// ("assay scan: …") and becomes exit 2.
func reportingErrors(_ command: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch {
        printError("\(command): \(error)")
        throw ExitCode(2)
    }
}

/// Refuses a `--seconds` span that would decode nothing (zero, negative or not a number): without it, a verify
/// of a watermarked clip would say "no watermark found" without having looked.
func validateSeconds(_ seconds: Double) throws {
    if !(seconds > 0) { throw ValidationError("--seconds must be a positive number of seconds; got \(seconds)") }
}

/// Writes a text file atomically (reports the CLI is asked to write).
func writeAtomically(_ text: String, to path: String) throws {
    let w = try AtomicFileWriter(destinationPath: path)
    try w.write(Array(text.utf8))
    try w.commit()
}

/// The outcome names `--fail-on` accepts.
enum FailOn {
    static let names = Verdict.Outcome.allCases.filter { $0 != .verified }.map(\.rawValue)

    /// Parses `a,b,c`.
    static func parse(_ text: String?) throws -> Set<Verdict.Outcome>? {
        guard let text else { return nil }
        var out = Set<Verdict.Outcome>()
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let o = Verdict.Outcome(rawValue: part), o != .verified else {
                throw ValidationError("--fail-on takes \(names.joined(separator: ", ")); got \(part)")
            }
            out.insert(o)
        }
        return out
    }

    /// The exit code of an outcome under a policy: outcomes outside the list exit 0.
    static func code(_ outcome: Verdict.Outcome, policy: Set<Verdict.Outcome>?) -> Int32 {
        guard let policy else { return outcome.exitCode }
        return policy.contains(outcome) ? outcome.exitCode : 0
    }
}

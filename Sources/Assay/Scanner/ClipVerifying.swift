/// What scan needs from the verifier: one file in, one report out, never a throw.
///
/// ``Verifier`` conforms; scan calls it from several threads at once, so implementations must be
/// safe to share.
public protocol ClipVerifying: Sendable {
    /// Verifies the file at `path`. `displayPath` is what the report names (an archive member's
    /// `archive!member` key rather than its temporary extraction path). Errors become reports with
    /// outcome `error` or `unsupported`.
    func verify(path: String, displayPath: String) -> VerifyReport
}

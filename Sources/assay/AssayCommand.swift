import ArgumentParser
import AssayCore

/// The `assay` command line: thin commands over the `Assay` library.
@main
struct AssayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay",
        abstract: "Label AI-generated video and verify what you receive.",
        discussion: """
            Exit codes of verify: 0 verified, 1 tampered/invalid, 2 error, 3 no provenance, \
            4 valid but untrusted, 5 unsupported format.
            """,
        version: AssayVersion.string,
        subcommands: [LabelCommand.self, VerifyCommand.self, ScanCommand.self, InfoCommand.self, SignCommand.self,
                      RepositoryCommand.self,
                      ClassifyCommand.self, WatermarkCommand.self, KeysCommand.self])
}

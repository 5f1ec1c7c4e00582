import ArgumentParser
import Assay
import AssayC2PA
import AssayCore
import Foundation

/// `assay repository`: the local manifest repository behind durable credentials.
struct RepositoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repository", abstract: "List, look up, import and export manifests of the local repository.",
        discussion: """
            `label` stores every manifest it signs here; `verify` looks a watermark's payload up here when a \
            clip's manifest was stripped. Import manifests of clips labeled on other machines to recover them too.
            """,
        subcommands: [List.self, Show.self, Import.self, Export.self, Remove.self])

    struct Location: ParsableArguments {
        @Option(help: "Manifest repository (default $XDG_DATA_HOME/assay/manifests.sqlite).")
        var repository: String?

        func open() throws -> ManifestRepository {
            try ManifestRepository(path: repository ?? AssayPaths().repository)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List records, newest first.")
        @OptionGroup var location: Location
        @Option(help: "Most records to list.") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingErrors("assay repository list") {
                let repo = try location.open()
                let records = try repo.list(limit: limit)
                if json { return try emitJSON(records.map(Summary.init)) }
                emit("\(try repo.count()) manifests in \(repo.path)\n")
                for r in records { emit(Summary(r).line + "\n") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the records of a content ID (32 hex digits) or watermark payload (16 hex digits).")
        @OptionGroup var location: Location
        @Argument(help: "Content ID or watermark payload.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingErrors("assay repository show") {
                let found = try RepositoryJob.find(id, in: try location.open())
                guard !found.isEmpty else {
                    printError("assay repository show: no manifest for \(id)")
                    throw ExitCode(1)
                }
                if json { return try emitJSON(found.map(Summary.init)) }
                for r in found { emit(Summary(r).line + "\n") }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store the manifests of labeled files (only manifests that validate and carry a content ID).")
        @OptionGroup var location: Location
        @Argument(help: "Labeled files.") var files: [String]
        @Option(help: "Extra trust anchors (PEM) for the validation.") var trust: String?
        @Option(help: "Certificate revocation list (PEM; repeatable).") var crl: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var failed = false
            try reportingErrors("assay repository import") {
                let repo = try location.open()
                let settings = try TrustSettings.resolve(trustPath: trust, revocationListPaths: crl)
                let results = files.map { RepositoryJob.importFile($0, into: repo, trust: settings) }
                failed = results.contains { $0.contentID == nil }
                if json { return try emitJSON(results) }
                for r in results {
                    emit(r.contentID.map { "imported \(r.path): \($0) (\(r.state ?? "?"))\n" }
                        ?? "skipped  \(r.path): \(r.problem ?? "?")\n")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a record's manifest store as a .c2pa sidecar.")
        @OptionGroup var location: Location
        @Argument(help: "Content ID (32 hex digits).") var id: String
        @Option(name: .shortAndLong, help: "Output .c2pa file.") var output: String

        func run() throws {
            try reportingErrors("assay repository export") {
                guard let record = try RepositoryJob.find(id, in: try location.open()).first else {
                    printError("assay repository export: no manifest for \(id)")
                    throw ExitCode(1)
                }
                try RepositoryJob.export(record, to: output)
                emit("wrote \(output): \(record.manifestStore.count) bytes, manifest \(record.manifestLabel)\n")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the record of a content ID.")
        @OptionGroup var location: Location
        @Argument(help: "Content ID (32 hex digits).") var id: String

        func run() throws {
            try reportingErrors("assay repository remove") {
                guard let cid = try? ContentID(hex: id) else { throw ValidationError("a content ID has 32 hex digits") }
                guard try location.open().remove(contentID: cid) else {
                    printError("assay repository remove: no manifest for \(id)")
                    throw ExitCode(1)
                }
                emit("removed \(id)\n")
            }
        }
    }

    /// One record as listed (the store itself is only exported).
    struct Summary: Codable {
        var contentID: String
        var watermarkPayload: String
        var manifest: String
        var signer: String?
        var generator: String?
        var created: Date
        var storeBytes: Int

        init(_ r: StoredManifest) {
            contentID = r.contentID.hex
            watermarkPayload = String(format: "%016llx", r.contentID.watermarkPayload)
            manifest = r.manifestLabel
            signer = r.signer
            generator = r.generator
            created = r.created
            storeBytes = r.manifestStore.count
        }

        var line: String {
            "\(contentID)  \(created.formatted(.iso8601))  \(generator ?? "-")  signed by \(signer ?? "-")  \(manifest)"
        }
    }
}

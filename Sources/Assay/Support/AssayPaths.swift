import AssayC2PA
import Foundation

/// Where Assay keeps its files: keys and trust under `$XDG_CONFIG_HOME/assay/` (default
/// `~/.config/assay/`), the manifest repository under `$XDG_DATA_HOME/assay/`.
public struct AssayPaths: Sendable {
    /// The environment the paths are derived from.
    public let environment: [String: String]

    /// Paths for an environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The config folder.
    public var configDirectory: String { TrustSettings.configDirectory(environment: environment) }
    /// The watermark key file (separate from the signing key).
    public var watermarkKey: String { configDirectory + "/watermark.key" }
    /// The default manifest repository.
    public var repository: String { ManifestRepository.defaultPath(environment: environment) }
    /// The C2PA key store.
    public var keyStore: KeyStore { KeyStore(directory: configDirectory) }

    /// Folders searched for classifier models, in order: `$ASSAY_CLASSIFIERS`, `Classifiers/` next to
    /// the executable's package (a source checkout), `$XDG_DATA_HOME/assay/classifiers`.
    public func classifierSearchPath(executable: String = CommandLine.arguments.first ?? "") -> [String] {
        var out: [String] = []
        if let env = environment["ASSAY_CLASSIFIERS"], !env.isEmpty { out.append(env) }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("Classifiers").path
            if FileManager.default.fileExists(atPath: candidate) {
                out.append(candidate)
                break
            }
            dir.deleteLastPathComponent()
        }
        out.append((repository as NSString).deletingLastPathComponent + "/classifiers")
        return out
    }
}

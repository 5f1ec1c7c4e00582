/// Version information of the Assay toolkit.
public enum AssayVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
    /// Name used as the C2PA `claim_generator_info` name and in reports.
    public static let productName = "Assay"
}

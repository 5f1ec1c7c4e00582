/// A COSE signature algorithm allowed by C2PA.
public enum SigningAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// ECDSA P-256 with SHA-256.
    case es256 = "ES256"
    /// ECDSA P-384 with SHA-384.
    case es384 = "ES384"
    /// ECDSA P-521 with SHA-512.
    case es512 = "ES512"
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt = 32.
    case ps256 = "PS256"
    /// RSASSA-PSS with SHA-384.
    case ps384 = "PS384"
    /// RSASSA-PSS with SHA-512.
    case ps512 = "PS512"
    /// EdDSA over Ed25519.
    case ed25519 = "Ed25519"

    /// The COSE algorithm identifier.
    public var coseIdentifier: Int64 {
        switch self {
        case .es256: -7
        case .es384: -35
        case .es512: -36
        case .ps256: -37
        case .ps384: -38
        case .ps512: -39
        case .ed25519: -8
        }
    }

    /// The algorithm for a COSE identifier, if C2PA allows it.
    public init?(coseIdentifier: Int64) {
        guard let a = Self.allCases.first(where: { $0.coseIdentifier == coseIdentifier }) else { return nil }
        self = a
    }

    /// Parses `es256`, `ES256`, `ed25519`, `EdDSA`, … (case-insensitive).
    public init?(name: String) {
        let n = name.lowercased()
        if n == "eddsa" { self = .ed25519; return }
        guard let a = Self.allCases.first(where: { $0.rawValue.lowercased() == n }) else { return nil }
        self = a
    }

    /// The digest used (`nil` for Ed25519, which hashes internally).
    var digestName: String? {
        switch self {
        case .es256, .ps256: "sha256"
        case .es384, .ps384: "sha384"
        case .es512, .ps512: "sha512"
        case .ed25519: nil
        }
    }

    /// ECDSA raw coordinate size, if ECDSA.
    var ecCoordinateSize: Int? {
        switch self {
        case .es256: 32
        case .es384: 48
        case .es512: 66
        default: nil
        }
    }

    /// The EC group name expected for ECDSA keys.
    var curveName: String? {
        switch self {
        case .es256: "prime256v1"
        case .es384: "secp384r1"
        case .es512: "secp521r1"
        default: nil
        }
    }

    var isRSAPSS: Bool { self == .ps256 || self == .ps384 || self == .ps512 }
}

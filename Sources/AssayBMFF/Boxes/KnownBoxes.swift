/// Box types and UUIDs the module knows by name.
public enum KnownBoxes {
    /// Types whose payload is a sequence of boxes.
    public static let containers: Set<FourCC> = [
        "moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "udta", "mvex", "moof", "traf", "mfra",
        "meta", "ilst", "schi", "sinf", "rinf", "tref", "iprp", "ipco", "grpl", "strk", "strd", "gmhd",
        "tapt", "clip", "matt", "mdra", "rmra", "rmda", "imap",
    ]

    /// The extended type of the C2PA ContentProvenanceBox (`uuid` D8FEC3D6-1B0E-483C-9297-5828877EC481).
    public static let c2paUUID: [UInt8] = [
        0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81,
    ]

    /// The extended type of the XMP `uuid` box (BE7ACFCB-97A9-42E8-9C71-999491E3AFAC).
    public static let xmpUUID: [UInt8] = [
        0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
    ]
}

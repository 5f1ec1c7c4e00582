import AssayBMFF
import AssayCore
import AssayMedia
import Foundation

/// `assay info`: what a file contains (streams, duration, box tree) and any provenance found, like
/// ffprobe. It reads; it validates nothing (that is `verify`).
public enum Inspector {
    /// The result, encoded as `assay info --json`.
    public struct Report: Sendable, Codable {
        /// Schema identifier.
        public var schema = "assay.info/1"
        /// The path as given.
        public var path: String
        /// Size in bytes.
        public var size: Int64
        /// Streams and format, when libavformat could read the file.
        public var media: MediaInfo?
        /// Why libavformat could not read it.
        public var mediaError: String?
        /// The ISO BMFF box tree (MP4/MOV), when the file is one.
        public var boxes: [BoxNode]?
        /// Why the box walk stopped.
        public var boxError: String?
        /// Provenance found.
        public var provenance: Provenance
    }

    /// One box of the tree.
    public struct BoxNode: Sendable, Codable {
        /// Four-character type.
        public var type: String
        /// Offset in the file.
        public var offset: Int64
        /// Size in bytes.
        public var size: Int64
        /// Extended type of a `uuid` box (hex), with a name when known.
        public var uuid: String?
        /// Children.
        public var children: [BoxNode]?
    }

    /// Provenance markers found (presence only; `verify` validates them).
    public struct Provenance: Sendable, Codable {
        /// The C2PA manifest box: offset, size and purpose.
        public var c2paManifest: C2PABoxInfo?
        /// Other C2PA boxes (update, Merkle).
        public var otherC2PABoxes: Int = 0
        /// The GB 45438 `AIGC` metadata entry, parsed.
        public var aigc: AIGCLabel?
        /// The raw `AIGC` text when it does not parse.
        public var aigcUnparsed: String?
        /// Whether an XMP packet carries `TC260:AIGC`.
        public var xmpTC260: Bool = false
        /// Number of XMP packets.
        public var xmpPackets: Int = 0
    }

    /// The C2PA box.
    public struct C2PABoxInfo: Sendable, Codable {
        /// Offset of the box.
        public var offset: Int64
        /// Size of the box.
        public var size: Int64
        /// Its purpose (`manifest`, `update`).
        public var purpose: String
    }

    /// Inspects `path`. Only unreadable files throw; format problems are reported in the result.
    public static func inspect(path: String) throws -> Report {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path), let size = attrs[.size] as? NSNumber else {
            throw AssayError(.io, "cannot read \(path)", location: InputLocation(path: path))
        }
        var report = Report(path: path, size: size.int64Value, provenance: Provenance())
        do {
            report.media = try MediaInfo.probe(path, requiringVideo: false)
        } catch {
            report.mediaError = error.description
        }
        if let source = try? FileByteSource(path: path), source.size >= 8,
           let t = try? source.read(at: 4, count: 4), FourCC(bytes: t).map(knownTopLevel.contains) == true
        {
            do {
                let tree = try BoxTree.parse(source)
                report.boxes = tree.boxes.map(node)
                let scan = try ProvenanceScan.scan(source, tree: tree)
                if let m = scan.manifestBox {
                    report.provenance.c2paManifest = C2PABoxInfo(offset: m.box.offset, size: m.box.size, purpose: m.purpose)
                }
                report.provenance.otherC2PABoxes = scan.c2paBoxes.count - (scan.manifestBox == nil ? 0 : 1)
                if let text = scan.aigcMetadata {
                    if let l = try? AIGCLabel.parse(text) { report.provenance.aigc = l } else {
                        report.provenance.aigcUnparsed = String(text.prefix(512))
                    }
                }
                report.provenance.xmpPackets = scan.xmpPackets.count
                report.provenance.xmpTC260 = scan.xmpHasTC260Label
            } catch {
                report.boxError = "\(error)"
            }
        }
        return report
    }

    static let knownTopLevel: Set<FourCC> = ["ftyp", "styp", "moov", "mdat", "free", "skip", "wide", "uuid", "moof"]

    static let uuidNames: [String: String] = [
        "d8fec3d61b0e483c92975828877ec481": "C2PA",
        "be7acfcb97a942e89c71999491e3afac": "XMP",
    ]

    static func node(_ b: Box) -> BoxNode {
        let hex = b.userType.map { $0.map { String(format: "%02x", $0) }.joined() }
        return BoxNode(type: b.type.description, offset: b.offset, size: b.size,
                       uuid: hex.map { h in uuidNames[h].map { "\(h) (\($0))" } ?? h },
                       children: b.children.isEmpty ? nil : b.children.map(node))
    }

    /// Text for people.
    public static func text(_ r: Report) -> String {
        var out = ["\(r.path)  \(r.size) bytes"]
        if let m = r.media {
            var line = "format      \(m.formatName)"
            if let d = m.duration { line += ", \(String(format: "%.3f", d.seconds)) s" }
            if let b = m.bitRate { line += ", \(b / 1000) kb/s" }
            out.append(line)
            for s in m.streams {
                var d = "stream \(s.index)    \(s.kind.rawValue) \(s.codecName ?? "?")"
                if let w = s.width, let h = s.height { d += " \(w)x\(h)" }
                if let p = s.pixelFormat { d += " \(p)" }
                if let f = s.averageFrameRate ?? s.frameRate, f.isValid { d += String(format: " %.3f fps", f.doubleValue) }
                if let n = s.frameCount { d += " \(n) frames" }
                if let r = s.rotation, r != 0 { d += " rotation \(Int(r))°" }
                if let sr = s.sampleRate { d += " \(sr) Hz" }
                if let c = s.channels { d += " \(c) ch" }
                out.append(d)
            }
        } else if let e = r.mediaError {
            out.append("media       not readable: \(e)")
        }
        let p = r.provenance
        if let c = p.c2paManifest {
            out.append("C2PA        manifest box (\(c.purpose)) at \(c.offset), \(c.size) bytes — run `assay verify` to validate it")
        } else {
            out.append("C2PA        none")
        }
        if let a = p.aigc {
            out.append("AIGC        Label \(a.label), ContentProducer \(a.contentProducer), ProduceID \(a.produceID)")
        } else if p.aigcUnparsed != nil {
            out.append("AIGC        entry present but not valid JSON")
        } else {
            out.append("AIGC        none")
        }
        if p.xmpPackets > 0 { out.append("XMP         \(p.xmpPackets) packet(s)" + (p.xmpTC260 ? ", with TC260:AIGC" : "")) }
        if let boxes = r.boxes {
            out.append("boxes")
            func walk(_ nodes: [BoxNode], _ depth: Int) {
                for n in nodes {
                    out.append(String(repeating: "  ", count: depth + 1) + "\(n.type) @\(n.offset) size \(n.size)"
                        + (n.uuid.map { " uuid \($0)" } ?? ""))
                    if depth < 12, let c = n.children { walk(c, depth + 1) }
                }
            }
            walk(boxes, 0)
        }
        if let e = r.boxError { out.append("box walk stopped: \(e)") }
        return out.joined(separator: "\n") + "\n"
    }
}

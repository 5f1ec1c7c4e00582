import AssayCore
import CFreeType
import Foundation

/// Burns the visible "AI生成 / AI-generated" caption of the `cn` profile (GB 45438 explicit label)
/// into the first seconds of a video: white text on a dark band in the lower-left corner, its text
/// height at least 5 % of the frame's shorter side.
///
/// Text is rendered once per frame size with FreeType from a CJK font shipped by Debian
/// (`fonts-noto-cjk`), then alpha-blended into the planes of each frame.
public final class CaptionBurner: @unchecked Sendable {
    /// The caption text.
    public let text: String
    /// How long from the start the caption is shown.
    public let duration: Double
    /// Text height as a fraction of the shorter frame side.
    public let relativeHeight: Double
    /// The font file used.
    public let fontPath: String
    private var library: FT_Library?
    private var face: FT_Face?
    private var cached: (width: Int, height: Int, mask: Mask)?

    /// Fonts tried in order when none is given.
    public static let fontCandidates = [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ]

    struct Mask {
        var width: Int
        var height: Int
        /// Text coverage 0...255.
        var alpha: [UInt8]
        /// Band rectangle (x, y, w, h) in frame coordinates.
        var band: (x: Int, y: Int, w: Int, h: Int)
        /// Top-left of the text mask in frame coordinates.
        var origin: (x: Int, y: Int)
    }

    /// Loads the font.
    /// - Throws: ``AssayError/Code/unsupportedInput`` if no usable CJK font is installed.
    public init(text: String = "AI生成 / AI-generated", duration: Double = 2.0, relativeHeight: Double = 0.06,
                fontPath: String? = nil) throws
    {
        self.text = text
        self.duration = duration
        self.relativeHeight = max(0.05, relativeHeight)
        guard let font = fontPath ?? Self.fontCandidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw AssayError(.unsupportedInput, "no CJK font found for the visible caption (install fonts-noto-cjk)")
        }
        self.fontPath = font
        guard FT_Init_FreeType(&library) == 0, let library else {
            throw AssayError(.unsupportedInput, "FreeType could not be initialised")
        }
        guard FT_New_Face(library, font, 0, &face) == 0, face != nil else {
            FT_Done_FreeType(library)
            throw AssayError(.unsupportedInput, "cannot load the caption font \(font)")
        }
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
    }

    /// Burns the caption into `frame` if it lies within the first ``duration`` seconds.
    public func burn(into frame: inout Frame) throws {
        guard frame.time.seconds < duration else { return }
        if cached?.width != frame.width || cached?.height != frame.height {
            cached = (frame.width, frame.height, try render(frameWidth: frame.width, frameHeight: frame.height))
        }
        guard let m = cached?.mask else { return }
        let b = m.band
        // Darken the band (60 %) and pull its chroma towards neutral, so the text reads on any content.
        for y in b.y..<(b.y + b.h) {
            for x in b.x..<(b.x + b.w) {
                let v = Int(frame.luma[x, y])
                frame.luma[x, y] = UInt8(16 + (v - 16) * 2 / 5)
            }
        }
        for y in (b.y / 2)..<min(frame.cb.height, (b.y + b.h + 1) / 2) {
            for x in (b.x / 2)..<min(frame.cb.width, (b.x + b.w + 1) / 2) {
                frame.cb[x, y] = UInt8((Int(frame.cb[x, y]) + 128 * 3) / 4)
                frame.cr[x, y] = UInt8((Int(frame.cr[x, y]) + 128 * 3) / 4)
            }
        }
        for my in 0..<m.height {
            let fy = m.origin.y + my
            guard fy >= 0, fy < frame.height else { continue }
            for mx in 0..<m.width {
                let fx = m.origin.x + mx
                guard fx >= 0, fx < frame.width else { continue }
                let a = Int(m.alpha[my * m.width + mx])
                if a == 0 { continue }
                let v = Int(frame.luma[fx, fy])
                frame.luma[fx, fy] = UInt8((v * (255 - a) + 235 * a) / 255)
            }
        }
    }

    /// The caption's text height in pixels for a frame (tests check the 5 % rule with it).
    public func textHeight(frameWidth: Int, frameHeight: Int) -> Int {
        max(10, Int((Double(min(frameWidth, frameHeight)) * relativeHeight).rounded(.up)))
    }

    private func render(frameWidth: Int, frameHeight: Int) throws -> Mask {
        guard let face else { throw AssayError(.unsupportedInput, "caption font not loaded") }
        let px = textHeight(frameWidth: frameWidth, frameHeight: frameHeight)
        FT_Set_Pixel_Sizes(face, 0, FT_UInt(px))
        let ascender = Int(face.pointee.size.pointee.metrics.ascender >> 6)
        let descender = Int(-(face.pointee.size.pointee.metrics.descender >> 6))
        let lineHeight = ascender + descender
        // Lay out glyphs, then draw them into one mask.
        var glyphs: [(x: Int, top: Int, w: Int, h: Int, bits: [UInt8])] = []
        var penX = 0
        for scalar in text.unicodeScalars {
            let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
            guard FT_Load_Glyph(face, index, Int32(cft_load_render())) == 0, let slot = face.pointee.glyph else { continue }
            let bm = slot.pointee.bitmap
            var bits = [UInt8](repeating: 0, count: Int(bm.width) * Int(bm.rows))
            if let buf = bm.buffer {
                for r in 0..<Int(bm.rows) {
                    for c in 0..<Int(bm.width) { bits[r * Int(bm.width) + c] = buf[r * Int(bm.pitch) + c] }
                }
            }
            glyphs.append((penX + Int(slot.pointee.bitmap_left), ascender - Int(slot.pointee.bitmap_top),
                           Int(bm.width), Int(bm.rows), bits))
            penX += Int(slot.pointee.advance.x >> 6)
        }
        let textWidth = max(1, penX)
        var alpha = [UInt8](repeating: 0, count: textWidth * lineHeight)
        for g in glyphs {
            for r in 0..<g.h {
                let y = g.top + r
                guard y >= 0, y < lineHeight else { continue }
                for c in 0..<g.w {
                    let x = g.x + c
                    guard x >= 0, x < textWidth else { continue }
                    alpha[y * textWidth + x] = max(alpha[y * textWidth + x], g.bits[r * g.w + c])
                }
            }
        }
        // The band hugs the text; on frames narrower than the caption the text is clipped at the band.
        let pad = max(2, px / 4)
        let margin = max(2, min(frameWidth, frameHeight) / 30)
        let bandW = max(1, min(frameWidth - 2 * margin, textWidth + 2 * pad))
        let bandH = max(1, min(frameHeight - 2 * margin, lineHeight + 2 * pad))
        let band = (x: margin, y: max(0, frameHeight - margin - bandH), w: bandW, h: bandH)
        return Mask(width: textWidth, height: lineHeight, alpha: alpha, band: band,
                    origin: (band.x + pad, band.y + pad))
    }
}

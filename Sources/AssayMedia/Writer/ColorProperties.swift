internal import CFFmpeg

/// The colour description of a stream (range, matrix, primaries, transfer), carried from decoder to encoder
/// by the ``Transcoder`` because libavcodec does not copy it.
struct ColorProperties {
    var range: AVColorRange
    var space: AVColorSpace
    var primaries: AVColorPrimaries
    var transfer: AVColorTransferCharacteristic
}

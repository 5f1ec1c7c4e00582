// Tests for AssayWatermark.
import Testing

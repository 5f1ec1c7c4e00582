// Tests for AssayBMFF.
import Testing

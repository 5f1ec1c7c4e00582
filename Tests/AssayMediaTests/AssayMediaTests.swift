// Tests for AssayMedia.
import Testing

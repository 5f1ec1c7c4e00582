// Tests for AssayC2PA.
import Testing

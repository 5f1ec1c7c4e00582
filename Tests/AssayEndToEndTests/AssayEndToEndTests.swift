// Tests for AssayEndToEnd.
import Testing

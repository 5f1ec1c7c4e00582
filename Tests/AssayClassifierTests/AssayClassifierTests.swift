// Tests for AssayClassifier.
import Testing

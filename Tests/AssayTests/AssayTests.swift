// Tests for Assay.
import Testing

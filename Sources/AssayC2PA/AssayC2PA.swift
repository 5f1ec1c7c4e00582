// AssayC2PA: see DESIGN.md for this module's place in the layering.

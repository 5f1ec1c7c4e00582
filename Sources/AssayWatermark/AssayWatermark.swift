// AssayWatermark: see DESIGN.md for this module's place in the layering.

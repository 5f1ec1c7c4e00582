#!/usr/bin/env python3
"""Names every real-labelled clip lr-4's cross-fitted evaluation flags at alpha, with
Classifiers/experiments/s3-upscaler-features/name_flagged.py run on lr-4's data (lr-2's train.py functions
with lr-4's rows)."""
import os, runpy, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train as L4  # noqa: E402
rows = L4.load()
L4.T.load = lambda: rows
sys.modules["train"] = L4.T      # name_flagged.py does `import train as T`
sys.argv = [sys.argv[0], HERE]
runpy.run_path(os.path.join(L4.ROOT, "Classifiers", "experiments", "s3-upscaler-features", "name_flagged.py"))

#!/usr/bin/env python3
"""Makes the session-4 out-of-sample clips with that experiment's own make_data.py (imported, unchanged):
  s4_clips.py controls     wheels, then the real clips and the non-AI controls (all the ship rule needs)
  s4_clips.py generators   lr-2's cheap generators on the base clips (needs lr-2's data/ae_*.pt and vae_kl8.pt)
  s4_clips.py generators-c0   the same on the first base clip of each source only (less CPU)
"""
import importlib.util, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
spec = importlib.util.spec_from_file_location(
    "s4_make_data", os.path.join(ROOT, "Classifiers", "experiments", "s4-real-sources", "make_data.py"))
S = importlib.util.module_from_spec(spec)
spec.loader.exec_module(S)

if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "controls"
    if what == "controls":
        S.fetch_wheels()
        S.make_clips([])
    elif what == "generators-c0":
        every = S.all_samples
        S.all_samples = lambda gens: (t for t in every(gens) if t[1].endswith("-c0"))
        S.make_clips(S.CHEAP_GENERATORS)
    else:
        S.make_clips(S.CHEAP_GENERATORS)
    S.log("done", what)

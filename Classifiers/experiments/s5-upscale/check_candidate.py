"""Runs the release Swift runtime with a candidate folder on every held-out clip whose decision any rule changed
(results/heldout.json "changed") and checks the runtime decision equals analyse.py's simulation of that rule.

  check_candidate.py [v3|x2only]
"""
import json, os, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from probe_all import BIN, S4, DATA, run  # noqa: E402

rule = sys.argv[1] if len(sys.argv) > 1 else "v3"
changed = json.load(open(os.path.join(HERE, "results", "heldout.json")))["changed"]
ok = bad = 0
out = []
for c in changed:
    name = c["name"]
    mp4 = os.path.join(S4, name + ".mp4")
    if not os.path.exists(mp4):
        mp4 = os.path.join(DATA, "mp4", name + ".mp4")
    w, h = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                "-of", "csv=p=0", mp4]).decode().strip().split(",")[:2]
    raw = run(["ffmpeg", "-v", "error", "-i", mp4, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
    r = json.loads(run(["nice", "-n", "15", BIN, "classify", "--model", os.path.join(HERE, f"candidate-{rule}"),
                        "--width", w, "--height", h, "-"], raw))
    d = r["evidence"]["decision"]
    ok += d == c[rule]
    bad += d != c[rule]
    out.append(dict(name=name, simulated=c[rule], runtime=d))
json.dump(dict(equal=ok, different=bad, clips=out), open(os.path.join(HERE, "results", f"candidate-{rule}-runtime.json"), "w"),
          indent=1)
print(f"candidate-{rule} runtime == {rule} simulation:", ok, "of", ok + bad)

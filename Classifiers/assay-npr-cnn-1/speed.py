#!/usr/bin/env python3
"""RULE.md part 7: CPU seconds of ArtifactClassifier.analyse for the 48 frames `assay verify` gives the classifier
from a 10 s 1920x1080 clip (Benchmarks/classifier/frames1080.sh), release build of assay-features, decode
excluded, median of 5 (`assay-features bench`), for this model and lr-2 alternately in one run, so that both see
the same machine load. Writes speed.json."""
import json, os, subprocess, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BIN = os.path.join(ROOT, ".build", "release", "assay-features")


def main():
    yuv = subprocess.run([os.path.join(ROOT, "Benchmarks", "classifier", "frames1080.sh")], capture_output=True,
                         text=True, check=True).stdout.strip()
    out = dict(what=__doc__.split("\n\n")[0].replace("\n", " "), load_average_before=os.getloadavg(), runs=[])
    for m in ["assay-npr-cnn-1", "assay-npr-lr-2"] * 2:
        r = json.loads(subprocess.run([BIN, "bench", "--model", os.path.join(ROOT, "Classifiers", m), "--width", "1920",
                                       "--height", "1080", "--repeat", "5", yuv], capture_output=True, text=True,
                                      check=True).stdout)
        out["runs"].append(dict(model=m, **r))
    out["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(os.path.join(HERE, "speed.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print(json.dumps(out["runs"], indent=1))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""s10-taef2, CNN side (PLAN.md, "added after"): cnn-1's tile CNN, its code unchanged, with TAEF2 seen as an 11th
generator (B') or alone against the real-labelled clips (C'); 3 source folds, cross-fitted; scores each fold's
real-labelled clips against its TAEF2 clips. Needs cnn-1's data/tiles-lr2.pkl and data/tiles-taef2.pkl
(`prep.py lr2`, `prep.py taef2`). Writes cnn_results.json.
  .venv/bin/python Classifiers/experiments/s10-taef2/cnn_run.py"""
import importlib.util, json, multiprocessing as mp, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
spec = importlib.util.spec_from_file_location("cnn1_train", os.path.join(ROOT, "Classifiers", "assay-npr-cnn-1", "train.py"))
C = importlib.util.module_from_spec(spec)
spec.loader.exec_module(C)
spec = importlib.util.spec_from_file_location("s10_run", os.path.join(HERE, "run.py"))
S = importlib.util.module_from_spec(spec)     # the lr-2 side's summary and writer
spec.loader.exec_module(S)


def task(args):
    run, k, idx, score_idx, seed = args
    steps, inner = C.choose_steps(idx, seed)
    net = C.net_of(C.train(idx, (steps,), seed)[steps])
    C.log(f"{run}/fold{k}: {steps} steps, inner {inner}")
    return run, k, steps, {C.ROWS[i]["name"]: C.clip_statistic(net, C.ROWS[i]) for i in score_idx}


def main():
    base, _, held, _ = C.load()
    R = C.ROWS
    pools = {"B'": lambda i: True, "C'": lambda i: R[i]["label"] == 0 or R[i]["variant"] == "taef2"}
    tasks = []
    for run, keep in pools.items():
        for k in range(3):
            idx = [i for i in base + held if R[i]["fold"] != k and keep(i)]
            score = [i for i in base + held if R[i]["fold"] == k]
            tasks.append((run, k, idx, score, C.SEED + 500 + 10 * len(tasks)))
    with mp.get_context("fork").Pool(C.WORKERS) as pool:
        done = pool.map(task, tasks)
    out = {}
    for run in pools:
        oof, steps = {}, {}
        for r, k, st, stats in done:
            if r == run:
                oof.update(stats)
                steps[k] = st
        res, _ = S.summary(oof, [R[i] for i in base], [R[i] for i in held])
        out[run] = dict(steps=steps, **res)
        print(run, json.dumps(out[run]), flush=True)
    S.write_json("cnn_results.json", out)

if __name__ == "__main__":
    main()

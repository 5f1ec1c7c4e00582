#!/usr/bin/env python3
"""Baseline: invisible-watermark (pip `invisible-watermark`, method dwtDctSvd, 32-bit payload), frame by frame,
through the same clips and attacks as wm-bench.

usage: iwm_baseline.py embed IN OUT            -> JSON line (PSNR-Y, SSIM-Y on every 15th frame, fps)
       iwm_baseline.py detect FILE...          -> JSON lines (payload exact by bitwise majority over sampled frames
                                                  in the first 2 s at 15 fps, mean per-frame bit accuracy)
The rivaGan method (torch/onnxruntime) is not used; those imports are stubbed so the package loads without torch.
"""
import json, os, subprocess, sys, time, types
import numpy as np
for mod in ("torch", "onnxruntime"):
    sys.modules.setdefault(mod, types.ModuleType(mod))
import cv2
from imwatermark import WatermarkEncoder, WatermarkDecoder

BITS = [int(b) for b in format(0xA5C3_96E1, "032b")]


def probe(path):
    o = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                        "stream=width,height,r_frame_rate", "-of", "csv=p=0:s=x", path],
                       capture_output=True, text=True).stdout.strip().split("x")
    n, d = o[2].split("/")
    return int(o[0]), int(o[1]), float(n) / float(d)


def frames(path, limit=None):
    w, h, fps = probe(path)
    cmd = ["ffmpeg", "-v", "error", "-i", path]
    if limit:
        cmd += ["-frames:v", str(limit)]
    cmd += ["-f", "rawvideo", "-pix_fmt", "bgr24", "-"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    n = w * h * 3
    while True:
        b = p.stdout.read(n)
        if len(b) < n:
            break
        yield np.frombuffer(b, np.uint8).reshape(h, w, 3)
    p.stdout.close(); p.wait()


def luma(bgr):
    b, g, r = [bgr[..., i].astype(np.float64) for i in range(3)]
    return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255


def ssim(a, b):
    C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    g = lambda x: cv2.GaussianBlur(x, (11, 11), 1.5)
    ma, mb = g(a), g(b)
    va, vb, cab = g(a * a) - ma * ma, g(b * b) - mb * mb, g(a * b) - ma * mb
    return float((((2 * ma * mb + C1) * (2 * cab + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2))).mean())


def embed(inp, out):
    w, h, fps = probe(inp)
    enc = WatermarkEncoder()
    enc.set_watermark("bits", BITS)
    x = subprocess.Popen(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}",
                          "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "medium", "-crf", "12",
                          "-pix_fmt", "yuv420p", out], stdin=subprocess.PIPE)
    mse, n, ss, t = 0.0, 0, [], 0.0
    for i, f in enumerate(frames(inp)):
        t0 = time.perf_counter()
        m = enc.encode(f, "dwtDctSvd")
        t += time.perf_counter() - t0
        ya, yb = luma(f), luma(m)
        mse += np.mean((ya - yb) ** 2); n += 1
        if i % 15 == 0:
            ss.append(ssim(ya, yb))
        x.stdin.write(np.ascontiguousarray(m).tobytes())
    x.stdin.close(); x.wait()
    mse /= max(n, 1)
    print(json.dumps(dict(file=os.path.basename(inp), frames=n, psnr_y=round(10 * np.log10(255 ** 2 / max(mse, 1e-12)), 2),
                          ssim_y=round(float(np.mean(ss)), 5), embed_fps=round(n / t, 2))), flush=True)


def detect(path):
    w, h, fps = probe(path)
    dec = WatermarkDecoder("bits", 32)
    step = max(1, round(fps / 15))
    votes, accs, t, n = np.zeros(32), [], 0.0, 0
    for i, f in enumerate(frames(path, limit=int(round(2 * fps)))):
        if i % step:
            continue
        t0 = time.perf_counter()
        try:
            bits = np.array(dec.decode(f, "dwtDctSvd"), float)
        except Exception:
            bits = np.full(32, 0.5)
        t += time.perf_counter() - t0
        votes += bits; n += 1
        accs.append(float(np.mean((bits > 0.5) == np.array(BITS))))
    maj = (votes / max(n, 1)) > 0.5
    ok = bool(np.array_equal(maj.astype(int), np.array(BITS)))
    print(json.dumps(dict(file=os.path.basename(path), payload_ok=ok, bit_acc=round(float(np.mean(accs)) if accs else 0, 3),
                          majority_acc=round(float(np.mean(maj.astype(int) == np.array(BITS))), 3), frames=n,
                          decode_s=round(t, 2))), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "embed":
        embed(sys.argv[2], sys.argv[3])
    else:
        for f in sys.argv[2:]:
            detect(f)

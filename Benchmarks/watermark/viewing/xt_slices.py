#!/usr/bin/env python3
"""x-t slice viewing aid for the watermark on moving content: one row of luma over every frame, for an unmarked
and a marked clip of the same content. A static mark on panning content shows as vertical stripes that the
original's slice (diagonal streaks of moving content, speckle of temporal noise) lacks.
usage: xt_slices.py ORIG MARKED OUT.png ROW X0 X1 [GAIN]
Panels, top to bottom: original, marked (both at GAIN x contrast about the original's median; GAIN 1 = as
displayed), marked - original at 20x (mid-grey = 0). Printed: frames, RMS of the difference, and the RMS of the
difference's temporal mean (the static part) against the RMS of the original's frame-to-frame change."""
import sys, subprocess, numpy as np, cv2
def frames(path):
    w,h = map(int, subprocess.run(["ffprobe","-v","error","-select_streams","v:0","-show_entries","stream=width,height","-of","csv=p=0:s=x",path],capture_output=True,text=True).stdout.strip().split("x"))
    p = subprocess.Popen(["ffmpeg","-v","error","-i",path,"-f","rawvideo","-pix_fmt","gray","-"],stdout=subprocess.PIPE)
    while True:
        b = p.stdout.read(w*h)
        if len(b)<w*h: break
        yield np.frombuffer(b,np.uint8).reshape(h,w)
orig, marked, out, row, x0, x1 = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])
gain = float(sys.argv[7]) if len(sys.argv) > 7 else 4.0
A = np.array([f[row, x0:x1] for f in frames(orig)], np.float64)
B = np.array([f[row, x0:x1] for f in frames(marked)], np.float64)
n = min(len(A), len(B)); A, B = A[:n], B[:n]
mid = np.median(A)
u8 = lambda X: np.clip(X, 0, 255).astype(np.uint8)
sep = np.full((4, A.shape[1]), 255, np.uint8)
img = np.vstack([u8(mid + gain*(A-mid)), sep, u8(mid + gain*(B-mid)), sep, u8(128 + 20*(B-A))])
cv2.imwrite(out, cv2.resize(img, (img.shape[1]*2, img.shape[0]*2), interpolation=cv2.INTER_NEAREST))
D = B - A
print(f"{out}: {n} frames, diff rms {np.sqrt(np.mean(D**2)):.2f}, static part rms {np.sqrt(np.mean(D.mean(0)**2)):.2f}, "
      f"original frame-to-frame change rms {np.sqrt(np.mean(np.diff(A,axis=0)**2)):.2f}, median luma {mid:.0f}")

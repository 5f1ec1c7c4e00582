"""ffmpeg-CLI upscales of the s4-real-sources base clips (held-out sources): swscale bicubic x2, Lanczos x3 and
bicubic x1.5, each from the clip's rendered frames (before any encode), downscaled by the same factor with swscale
bicubic, then through lr-2's final encode (x264 medium CRF 23, yuv420p, 25 fps). Resumable.
"""
import os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
S4 = os.path.join(HERE, "..", "s4-real-sources")
sys.path.insert(0, S4)
import make_data as S  # noqa: E402  (s4's script; it loads lr-2's make_data as S.M)

VARIANTS = {
    "ff_bicubic_up2": "scale=trunc(iw/4)*2:trunc(ih/4)*2:flags=bicubic,scale=iw*2:ih*2:flags=bicubic",
    "ff_lanczos_up3": "scale=trunc(iw/6)*2:trunc(ih/6)*2:flags=bicubic,scale=iw*3:ih*3:flags=lanczos",
    "ff_bicubic_up1.5": "scale=trunc(iw/6)*4:trunc(ih/6)*4:flags=bicubic,scale=iw*3/2:ih*3/2:flags=bicubic",
}

def main():
    out_dir = os.path.join(HERE, "data", "mp4")
    os.makedirs(out_dir, exist_ok=True)
    for si, name in enumerate(S.SOURCES):
        for cid, r, base in S.recipes(name, si):
            if not base:
                continue
            todo = [v for v in VARIANTS if not os.path.exists(os.path.join(out_dir, f"{cid}__{v}.mp4"))]
            if not todo:
                continue
            frames = S.render(name, r)
            for v in todo:
                S.M.encode(frames, os.path.join(out_dir, f"{cid}__{v}.mp4"), vf=VARIANTS[v])
            print(cid, flush=True)

if __name__ == "__main__":
    main()

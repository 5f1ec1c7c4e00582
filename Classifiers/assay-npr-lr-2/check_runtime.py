#!/usr/bin/env python3
"""Checks that the Swift runtime (assay-features classify) reproduces the clip statistic computed in Python
from model.json for a few clips of data/ (run after train.py; needs the release build). Importing it runs nothing."""
import json, os, subprocess, sys
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train as T


def main():
    m = json.load(open(os.path.join(HERE, 'model.json'))); c = json.load(open(os.path.join(HERE, 'calibration.json')))
    T.ABSTENTION.update(c['abstention'])
    rows = {r['name']: r for r in T.load()}
    names = ['astronaut-pan0__ae_tconv', 'coffee-pan1__real', 'bikes-seg1__lanczos_up4', 'retina-pan2__esrgan_animev3_x2',
             'rocket-pan2__ae_pixelshuffle', 'hubble_deep_field-pan0__reencode', 'bigbuckbunny-seg0__cgi', 'carphone-seg0__real',
             'motorcycle-x01__real_extra', 'bikes-x03__real_extra', 'chelsea-pan1__vae_kl8', 'coffee-pan0__esrgan_animev3_x4']
    bad = 0
    for n in names:
        if n not in rows:
            print(f"{n:40s} (not in data)")
            continue
        r = rows[n]
        logits = []
        for s in r['segments']:
            if s.get('values') is None or T.content_abstention(s['profile']): continue
            z = (np.array(s['values']) - m['mean']) / np.array(m['scale'])
            if np.mean(z ** 2) > c['abstention']['maximumMeanSquaredZ'] or np.abs(z).max() > c['abstention']['maximumAbsoluteZ']:
                continue
            logits.append(float(z @ np.array(m['weights']) + m['bias']))
        py = np.mean(logits) if len(logits) * 2 >= len(r['segments']) and logits else None
        raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', os.path.join(HERE, 'data', 'mp4', n + '.mp4'), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], capture_output=True).stdout
        out = json.loads(subprocess.run([os.path.join(HERE, '..', '..', '.build', 'release', 'assay-features'), 'classify', '--model', HERE, '--width', str(r['width']), '--height', str(r['height']), '-'], input=raw, capture_output=True).stdout)
        sw = out.get('statistic')
        print(f"{n:40s} python {py if py is None else round(py, 6)!s:>10} swift {sw if sw is None else round(sw, 6)!s:>10} {out['evidence']['decision']}")
        if (py is None) != (sw is None) or (py is not None and abs(py - sw) > 1e-6):
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())

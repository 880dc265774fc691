#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the project (and, with --dev, its test tools).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY=$cand; break
    fi
  done
fi
if [ -z "$PY" ]; then echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)." >&2; exit 1; fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
stamp=".venv/.installed$extra"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$extra"
  touch "$stamp"
fi
# OCR for scanned documents (tesseract-ocr, tesseract-ocr-vie, poppler-utils): non-fatal.
[ "${SKIP_SYSTEM_DEPS:-}" = "1" ] || scripts/system-deps.sh

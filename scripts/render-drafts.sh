#!/usr/bin/env bash
# Rebuild the Word templates, then render every draft from the samples as .docx, .xlsx, PDF and
# 60 dpi PNG into OUTDIR (default .preview/), to look at them as a reader would.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.preview}
.venv/bin/python -m documents.templates.build >/dev/null
.venv/bin/python -m documents.drafts.preview "$out"

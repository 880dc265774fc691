#!/usr/bin/env bash
# System programs the bot uses when present: OCR of scanned documents (tesseract with the
# Vietnamese data) and PDF page images (poppler-utils). Quiet and never fatal: without them
# scans are accepted but not read ("không đọc được nội dung").
set -uo pipefail
missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx vie; then
  missing+=(tesseract-ocr-vie)
fi
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}") \
      >/dev/null 2>&1 || echo "Could not install ${missing[*]}: scanned documents will not be read"
  else
    echo "Install ${missing[*]} to read scanned documents (no apt-get here)"
  fi
fi
exit 0

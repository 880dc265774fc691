#!/usr/bin/env bash
# Set up and start the bot on the embedded SQLite database: it serves Telegram/Zalo when a
# token is configured, and opens the terminal demo when none is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m bot "$@"

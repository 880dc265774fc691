#!/usr/bin/env bash
# Set up and run the whole test suite (pytest). Tests that need PostgreSQL or Redis are skipped,
# with the reason, when those servers are not running; REQUIRE_SERVICES=1 makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
exec .venv/bin/python -m pytest "$@"

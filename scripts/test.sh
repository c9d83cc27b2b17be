#!/usr/bin/env bash
# Runs the test suite: sets up whatever is missing (including Chromium for the
# browser tests), then typecheck, lint, unit, integration and browser tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --test
npm test

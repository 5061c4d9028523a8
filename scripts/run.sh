#!/usr/bin/env bash
# Sets up the environment and runs the product. Until the dialogue layer lands, that is the
# rules core's command line on an example situation; pass your own facts file to assess it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup_env.sh
exec "$root/.venv/bin/python" -m rules_core assess "${1:-examples/qplo_after_layoff.json}"

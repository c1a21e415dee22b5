#!/usr/bin/env bash
# Install the peers that benchmarks/run.py compares budgetctl against, on Debian:
#   hledger   from Debian's packages (the figures in performance.md used 1.25);
#   beancount from PyPI into its own venv, so the project's venv stays clean
#             (run.py finds bean-check on PATH or in benchmarks/.peers-venv).
# Usage: bash benchmarks/install-peers.sh [VENV_DIR]    (default: benchmarks/.peers-venv)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:-$here/.peers-venv}"
beancount="${BEANCOUNT_SPEC:-beancount==3.2.3}"   # the version performance.md measured

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# python3-venv: Debian's python3 has no ensurepip without it.
if ! command -v hledger >/dev/null || ! python3 -c 'import ensurepip' 2>/dev/null; then
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y hledger python3-venv
fi

python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "$beancount"

echo "hledger:    $(command -v hledger) ($(hledger --version))"
echo "bean-check: $venv/bin/bean-check ($("$venv/bin/bean-check" --version 2>&1 | head -n 1))"

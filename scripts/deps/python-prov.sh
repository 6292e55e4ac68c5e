#!/usr/bin/env bash
# python prov, which the PROV test reads `export prov` with.
set -euo pipefail
if python3 -c 'import prov' 2>/dev/null; then exit 0; fi
python3 -m pip install -q prov

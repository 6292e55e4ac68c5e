#!/usr/bin/env bash
# pyld, the JSON-LD processor the ClaimReview and Web Annotation tests expand exports with.
set -euo pipefail
if python3 -c 'import pyld' 2>/dev/null; then exit 0; fi
python3 -m pip install -q PyLD

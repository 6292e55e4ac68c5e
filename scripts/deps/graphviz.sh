#!/usr/bin/env bash
# Graphviz `dot`, which the PROV test renders `export prov --dot` with.
set -euo pipefail
if command -v dot >/dev/null 2>&1; then exit 0; fi
apt-get update -qq && apt-get install -y -qq graphviz

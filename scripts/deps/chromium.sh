#!/usr/bin/env bash
# Headless Chromium, which the report test opens the HTML report in.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji

#!/usr/bin/env bash
# poppler's pdftotext (PDF sources' text) and Ghostscript's ps2pdf (tests/pdf_sources.rs
# makes its fixture PDFs with it).
set -euo pipefail
if command -v pdftotext >/dev/null 2>&1 && command -v ps2pdf >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq poppler-utils ghostscript

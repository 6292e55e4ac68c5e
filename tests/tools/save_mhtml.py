"""Saves a page as MHTML the way Chromium's "Save as… Webpage, Single File" does: loads it
in headless Chromium and writes what DevTools `Page.captureSnapshot` (format "mhtml")
returns, byte for byte.

usage: save_mhtml.py PAGE.html OUT.mhtml

Used to make the MHTML fixtures in tests/data/pages/ (true Chromium MHTML, not written by
hand); the tests read the saved files, they do not run this.
"""
import os
import sys

from devtools import Chromium

page, out = os.path.abspath(sys.argv[1]), sys.argv[2]
with Chromium() as chrome:
    session = chrome.page_session("Page", "Runtime")
    chrome.navigate(session, "file://" + page)
    data = chrome.send("Page.captureSnapshot", {"format": "mhtml"}, session=session)["data"]
# The snapshot is text whose code points are the file's bytes (its parts are 7-bit:
# quoted-printable or base64).
with open(out, "wb") as f:
    f.write(data.encode("latin-1"))

"""Opens saved pages (HTML or MHTML files) in headless Chromium over the DevTools protocol
and prints, as one JSON list, each page's `document.body.innerText` (what a reader copying
from the browser gets).

usage: inner_text.py FILE...

Chromium runs as devtools.py runs it; each file is loaded in turn and read after its load
event.
"""
import json
import os
import sys

from devtools import Chromium

pages = [os.path.abspath(p) for p in sys.argv[1:]]
with Chromium() as chrome:
    session = chrome.page_session("Page", "Runtime")
    texts = []
    for page in pages:
        chrome.navigate(session, "file://" + page)
        texts.append(chrome.evaluate(session, "document.body.innerText"))
    print(json.dumps(texts))

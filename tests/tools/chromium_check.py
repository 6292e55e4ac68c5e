"""Opens an HTML file in headless Chromium over the DevTools protocol and reports what the
page did.

usage: chromium_check.py FILE.html OUT_DIR

Chromium runs headless with a new empty profile, as devtools.py drives it.
Every network request the page makes is recorded (Network.requestWillBeSent), and so is
every JavaScript dialog it opens (alert would be one). After the load event the script
reads the rendered page (its text, the <mark> texts, the <script> elements' types and the
JSON-LD) and takes screenshots at phone (390x844) and desktop (1280x900) widths into
OUT_DIR. Prints one JSON object.
"""
import base64
import json
import os
import sys
import time

from devtools import Chromium

html, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
with Chromium() as chrome:
    session = chrome.page_session("Network", "Page", "Runtime")
    chrome.navigate(session, "file://" + html)

    def evaluate(expression):
        return chrome.evaluate(session, expression)

    send = chrome.send

    page_state = evaluate("""JSON.stringify({
        text: document.body.innerText,
        marks: Array.from(document.querySelectorAll('mark'), m => m.textContent),
        scripts: Array.from(document.scripts, s => s.type || 'text/javascript'),
        ldjson: Array.from(document.querySelectorAll('script[type="application/ld+json"]'), s => s.textContent),
        ids: Array.from(document.querySelectorAll('article.claim'), a => a.id),
        title: document.title,
        pwned: typeof window.__pwned !== 'undefined'
    })""")
    state = json.loads(page_state)
    shots = []
    os.makedirs(out_dir, exist_ok=True)
    for name, width, height, mobile in (("phone", 390, 844, True), ("desktop", 1280, 900, False)):
        send("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, session=session)
        time.sleep(0.3)
        png = send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        path = os.path.join(out_dir, f"report-{name}.png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
        shots.append(path)
        if mobile and state["ids"]:
            # The first claim's provenance story, as a phone shows it.
            evaluate(f"document.getElementById({json.dumps(state['ids'][0])}).scrollIntoView()")
            time.sleep(0.3)
            png = send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
            path = os.path.join(out_dir, "report-phone-claim.png")
            with open(path, "wb") as f:
                f.write(base64.b64decode(png))
            shots.append(path)
            evaluate("window.scrollTo(0, 0)")
    # Media for print: the page must still lay out (no error), and the PDF is written.
    pdf = send("Page.printToPDF", {}, session=session)["data"]
    with open(os.path.join(out_dir, "report.pdf"), "wb") as f:
        f.write(base64.b64decode(pdf))
    requests = [e["params"]["request"]["url"] for e in chrome.events
                if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session]
    dialogs = [e["params"].get("message") for e in chrome.events
               if e.get("method") == "Page.javascriptDialogOpening"]
    state.update({"requests": requests, "dialogs": dialogs, "screenshots": shots})
    print(json.dumps(state))

"""Opens an HTML file in headless Chromium over the DevTools protocol and reports what the
page did.

usage: chromium_check.py FILE.html OUT_DIR

Chromium runs headless with a new empty profile, driven through --remote-debugging-pipe.
Every network request the page makes is recorded (Network.requestWillBeSent), and so is
every JavaScript dialog it opens (alert would be one). After the load event the script
reads the rendered page (its text, the <mark> texts, the <script> elements' types and the
JSON-LD) and takes screenshots at phone (390x844) and desktop (1280x900) widths into
OUT_DIR. Prints one JSON object.
"""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

html, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
profile = tempfile.mkdtemp(prefix="claimledger-chromium-")
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile,
         "--remote-debugging-pipe", "about:blank"]
cmd = "exec chromium " + " ".join(f"'{f}'" for f in flags) + f" 3<&{to_chrome_r} 4>&{from_chrome_w}"
proc = subprocess.Popen(["sh", "-c", cmd], pass_fds=(to_chrome_r, from_chrome_w),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
deadline = time.time() + 90
buffer = b""
events = []
next_id = 0


def read_message():
    global buffer
    while b"\0" not in buffer:
        left = deadline - time.time()
        if left <= 0:
            raise SystemExit("chromium did not answer in time")
        ready, _, _ = select.select([from_chrome_r], [], [], left)
        if ready:
            chunk = os.read(from_chrome_r, 1 << 20)
            if not chunk:
                raise SystemExit("chromium closed the pipe")
            buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    return json.loads(message)


def send(method, params=None, session=None):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
    while True:
        m = read_message()
        if m.get("id") == next_id:
            if "error" in m:
                raise SystemExit(f"{method}: {m['error']}")
            return m.get("result", {})
        events.append(m)


def wait_for(method, session):
    for i, e in enumerate(events):
        if e.get("method") == method and e.get("sessionId") == session:
            return events.pop(i)
    while True:
        m = read_message()
        if m.get("method") == method and m.get("sessionId") == session:
            return m
        events.append(m)


try:
    targets = send("Target.getTargets")["targetInfos"]
    page = next(t for t in targets if t["type"] == "page")
    session = send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
    for domain in ("Network", "Page", "Runtime"):
        send(domain + ".enable", session=session)
    send("Page.navigate", {"url": "file://" + html}, session=session)
    wait_for("Page.loadEventFired", session)

    def evaluate(expression):
        r = send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
        return r["result"].get("value")

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
    requests = [e["params"]["request"]["url"] for e in events
                if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session]
    dialogs = [e["params"].get("message") for e in events
               if e.get("method") == "Page.javascriptDialogOpening"]
    state.update({"requests": requests, "dialogs": dialogs, "screenshots": shots})
    print(json.dumps(state))
finally:
    try:
        os.write(to_chrome_w, json.dumps({"id": 10 ** 6, "method": "Browser.close"}).encode() + b"\0")
    except OSError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    shutil.rmtree(profile, ignore_errors=True)

"""Opens HTML files in headless Chromium over the DevTools protocol and prints, as one JSON
list, each page's `document.body.innerText` (what a reader copying from the browser gets).

usage: inner_text.py FILE.html...

Chromium runs as chromium_check.py runs it (headless, new empty profile, no network
services, --remote-debugging-pipe); each file is loaded in turn and read after its load event.
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

pages = [os.path.abspath(p) for p in sys.argv[1:]]
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
    for domain in ("Page", "Runtime"):
        send(domain + ".enable", session=session)
    texts = []
    for html in pages:
        send("Page.navigate", {"url": "file://" + html}, session=session)
        wait_for("Page.loadEventFired", session)
        r = send("Runtime.evaluate", {"expression": "document.body.innerText", "returnByValue": True},
                 session=session)
        texts.append(r["result"].get("value"))
    print(json.dumps(texts))
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

"""Drives claimledger serve's web pages in headless Chromium over the DevTools protocol,
as a fact-checker would: sign in with a token, add a claim through the form (first with a
quote that does not anchor, to see the closest-passage hint), find it in the status table,
open its page. Prints one JSON object of what each page showed.

usage: server_browser.py BASE_URL TOKEN WRONG_QUOTE QUOTE CLAIMANT

Chromium runs headless with a new empty profile, driven through --remote-debugging-pipe;
the pages themselves run no script (their Content-Security-Policy forbids it): the form
fields are filled and the buttons clicked from here, through Runtime.evaluate.
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

base, token, wrong_quote, quote, claimant = sys.argv[1:6]
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



def main():
    targets = send("Target.getTargets")["targetInfos"]
    page = next(t for t in targets if t["type"] == "page")
    session = send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime"):
        send(domain + ".enable", session=session)

    def evaluate(expression):
        r = send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
        return r["result"].get("value")

    def loaded(action):
        """Runs `action` (a navigation or a click) and waits for the next page's load."""
        events[:] = [e for e in events if e.get("method") != "Page.loadEventFired"]
        action()
        wait_for("Page.loadEventFired", session)

    def goto(url):
        loaded(lambda: send("Page.navigate", {"url": url}, session=session))

    def fill_and_submit(fields, form_selector="form.panel"):
        assignments = "".join(
            f"document.querySelector({json.dumps(form_selector + ' [name=' + name + ']')}).value = {json.dumps(value)};"
            for name, value in fields.items())
        loaded(lambda: evaluate(assignments + f"document.querySelector({json.dumps(form_selector + ' button[type=submit]')}).click()"))

    def state():
        return json.loads(evaluate("""JSON.stringify({
            url: location.href,
            title: document.title,
            text: document.body.innerText,
            error: (document.querySelector('.error') || {}).innerText || null,
            hint: (document.querySelector('#hint') || {}).innerText || null,
            marks: Array.from(document.querySelectorAll('mark'), m => m.textContent),
            rows: Array.from(document.querySelectorAll('#claims tbody tr'), tr => Array.from(tr.cells, c => c.innerText)),
            cookie: document.cookie,
            scripts: document.scripts.length
        })"""))

    out = {}
    goto(base + "/claims")
    out["before_login"] = state()
    fill_and_submit({"token": token})
    out["after_login"] = state()
    goto(base + "/claims/new")
    fill_and_submit({"quote": wrong_quote, "claimant": claimant})
    out["not_anchored"] = state()
    fill_and_submit({"quote": quote, "claimant": claimant})
    out["added"] = state()
    goto(base + "/claims")
    out["table"] = state()
    loaded(lambda: evaluate("document.querySelector('#claims tbody tr:last-child td.id a').click()"))
    out["claim"] = state()
    fill_and_submit({"status": "denied", "by": "Valtrane", "note": "said on the radio"})
    out["status_set"] = state()
    print(json.dumps(out))


try:
    main()
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

"""Drives headless Chromium over the DevTools protocol, for the test tools beside it
(inner_text.py, chromium_check.py, save_mhtml.py).

Chromium runs headless with a new empty profile, no network services, and is driven
through --remote-debugging-pipe (messages are JSON ended by a NUL byte on fds 3 and 4).

    with Chromium() as chrome:
        session = chrome.page_session("Page", "Runtime")
        chrome.navigate(session, "file:///tmp/page.html")
        text = chrome.evaluate(session, "document.body.innerText")
"""
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--remote-debugging-pipe"]


class Chromium:
    """One headless Chromium; every call fails (SystemExit) after `timeout` seconds in all."""

    def __init__(self, timeout=90):
        self.profile = tempfile.mkdtemp(prefix="claimledger-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        flags = FLAGS + ["--user-data-dir=" + self.profile, "about:blank"]
        cmd = ("exec chromium " + " ".join(f"'{f}'" for f in flags)
               + f" 3<&{to_chrome_r} 4>&{from_chrome_w}")
        self.proc = subprocess.Popen(["sh", "-c", cmd], pass_fds=(to_chrome_r, from_chrome_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.deadline = time.time() + timeout
        self.buffer = b""
        self.events = []
        self.next_id = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def read_message(self):
        while b"\0" not in self.buffer:
            left = self.deadline - time.time()
            if left <= 0:
                raise SystemExit("chromium did not answer in time")
            ready, _, _ = select.select([self.from_chrome], [], [], left)
            if ready:
                chunk = os.read(self.from_chrome, 1 << 20)
                if not chunk:
                    raise SystemExit("chromium closed the pipe")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        """Sends a command and returns its result; events that come first are kept."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            m = self.read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise SystemExit(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method, session):
        """The first event `method` of `session` (kept or still to come)."""
        for i, e in enumerate(self.events):
            if e.get("method") == method and e.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            m = self.read_message()
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def page_session(self, *domains):
        """Attaches to the blank page Chromium opened and enables `domains` in it."""
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        session = self.send("Target.attachToTarget",
                            {"targetId": page["targetId"], "flatten": True})["sessionId"]
        for domain in domains:
            self.send(domain + ".enable", session=session)
        return session

    def navigate(self, session, url):
        """Loads `url` and waits for its load event (the Page domain must be enabled)."""
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)

    def evaluate(self, session, expression):
        """The value of a JavaScript expression in the page."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                      session=session)
        return r["result"].get("value")

    def close(self):
        try:
            os.write(self.to_chrome,
                     json.dumps({"id": 10 ** 6, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

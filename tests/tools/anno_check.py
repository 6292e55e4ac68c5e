"""Reads a W3C Web Annotation export offline with pyld and checks it against the source.

usage: anno_check.py CONTEXTS_DIR FILE [--utf16] SOURCE_FILE...

The document loader serves ../shared/contexts/anno.jsonld for the Web Annotation context
URL and refuses every other URL. The anno context drops terms it does not define, so the
export is expanded and compacted again and must come back unchanged. Then, from the source
files alone: each target's bytes are the file whose SHA-256 the TimeState's `cached` names
(RFC 6920 ni:///sha-256;...), a `urn:sha256:` source names the same hash, `exact` is the
text between the TextPositionSelector's start and end (code points; UTF-16 code units with
--utf16), and prefix and suffix are the text right before and after it. Prints
{"annotations": N, "checked": [...]} or the problems and exit 1.
"""
import base64
import hashlib
import json
import os
import sys

from pyld import jsonld

contexts, path = sys.argv[1], sys.argv[2]
rest = sys.argv[3:]
utf16 = "--utf16" in rest
files = [f for f in rest if f != "--utf16"]
ANNO = {"http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"}


def loader(url, options=None):
    if url not in ANNO:
        raise jsonld.JsonLdError("refused to fetch " + url, "jsonld.LoadDocumentError",
                                 code="loading document failed")
    with open(os.path.join(contexts, "anno.jsonld")) as f:
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": json.load(f)}


jsonld.set_document_loader(loader)
with open(path) as f:
    doc = json.load(f)
problems = []
expanded = jsonld.expand(doc)
compacted = jsonld.compact(expanded, doc["@context"])
if compacted != doc:
    problems.append("expanding and compacting changed the document (a term the context "
                    "does not define?):\n" + json.dumps(compacted, indent=1, sort_keys=True))
OA = "http://www.w3.org/ns/oa#"


def motivations(node):
    if isinstance(node, list):
        return [m for n in node for m in motivations(n)]
    if not isinstance(node, dict):
        return []
    found = [m.get("@id") for m in node.get(OA + "motivatedBy", [])]
    return found + [m for k, v in node.items() if k != OA + "motivatedBy" for m in motivations(v)]


for m in motivations(expanded):
    if m not in (OA + "assessing", OA + "commenting"):
        problems.append(f"a motivation expands to {m}, not a Web Annotation motivation")

sources = {}
for name in files:
    with open(name, "rb") as f:
        data = f.read()
    sources[hashlib.sha256(data).hexdigest()] = data


def ni_hex(name):
    prefix = "ni:///sha-256;"
    if not name.startswith(prefix):
        return None
    b64 = name[len(prefix):]
    return base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).hex()


checked = []
items = doc["first"]["items"] if doc.get("type") == "AnnotationCollection" else doc
if doc.get("total") != len(items):
    problems.append(f"total is {doc.get('total')} but the page has {len(items)} items")
for a in items:
    t = a["target"]
    where = a["id"]
    if a.get("motivation") not in ("oa:assessing", "commenting"):
        problems.append(f"{where}: motivation {a.get('motivation')}")
    if t["state"]["type"] != "TimeState":
        problems.append(f"{where}: state is not a TimeState")
    sha = ni_hex(t["state"]["cached"])
    if sha is None:
        problems.append(f"{where}: cached is not an ni:///sha-256; name")
        continue
    if t["source"].startswith("urn:sha256:") and t["source"][len("urn:sha256:"):] != sha:
        problems.append(f"{where}: source {t['source']} and cached {sha} differ")
    data = sources.get(sha)
    if data is None:
        problems.append(f"{where}: no given file hashes to {sha}")
        continue
    text = data.decode("utf-8")
    quote = next(s for s in t["selector"] if s["type"] == "TextQuoteSelector")
    pos = next(s for s in t["selector"] if s["type"] == "TextPositionSelector")
    start, end = pos["start"], pos["end"]
    if utf16:
        units = text.encode("utf-16-le")
        span = lambda a, b: units[2 * a:2 * b].decode("utf-16-le")
        total = len(units) // 2
    else:
        span = lambda a, b: text[a:b]
        total = len(text)
    got = span(start, end)
    if got != quote["exact"]:
        problems.append(f"{where}: text[{start}:{end}] is {got!r}, exact is {quote['exact']!r}")
    before = len(quote["prefix"].encode("utf-16-le")) // 2 if utf16 else len(quote["prefix"])
    if span(max(0, start - before), start) != quote["prefix"]:
        problems.append(f"{where}: prefix {quote['prefix']!r} is not right before the span")
    after = len(quote["suffix"].encode("utf-16-le")) // 2 if utf16 else len(quote["suffix"])
    if span(end, min(total, end + after)) != quote["suffix"]:
        problems.append(f"{where}: suffix {quote['suffix']!r} is not right after the span")
    checked.append({"id": where, "sha256": sha, "start": start, "end": end,
                    "exact": quote["exact"], "source": t["source"]})
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(json.dumps({"annotations": len(items), "checked": checked}))

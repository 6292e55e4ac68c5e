"""Expands a schema.org JSON-LD export offline with pyld and checks every term.

usage: schemaorg_check.py CONTEXTS_DIR FILE

The document loader serves ../shared/contexts/schemaorg-context.jsonld for the schema.org
context URLs and refuses every other URL. After expansion, every property must be a
schema.org property (schemaorg-properties.csv) whose domain includes the node's type or
one of its supertypes (schemaorg-types.csv), and every type a schema.org type. Prints
{"nodes": {type: count}, "properties": [...]} on success; the problems and exit 1 otherwise.
"""
import csv
import json
import os
import sys

from pyld import jsonld

contexts, path = sys.argv[1], sys.argv[2]
SCHEMA = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}


def loader(url, options=None):
    if url not in SCHEMA:
        raise jsonld.JsonLdError("refused to fetch " + url, "jsonld.LoadDocumentError",
                                 code="loading document failed")
    with open(os.path.join(contexts, "schemaorg-context.jsonld")) as f:
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": json.load(f)}


jsonld.set_document_loader(loader)


def local(iri):
    for base in ("http://schema.org/", "https://schema.org/"):
        if iri.startswith(base):
            return iri[len(base):]
    return None


def split(cell):
    return [local(x.strip()) for x in cell.split(",") if x.strip()]


with open(os.path.join(contexts, "schemaorg-properties.csv"), newline="") as f:
    domains = {r["label"]: set(split(r["domainIncludes"])) for r in csv.DictReader(f)}
with open(os.path.join(contexts, "schemaorg-types.csv"), newline="") as f:
    parents = {r["label"]: set(split(r["subTypeOf"])) for r in csv.DictReader(f)}


def ancestry(t):
    seen, todo = set(), [t]
    while todo:
        x = todo.pop()
        if x not in seen:
            seen.add(x)
            todo.extend(parents.get(x, ()))
    return seen


with open(path) as f:
    doc = json.load(f)
expanded = jsonld.expand(doc)
problems, nodes, used = [], {}, set()


def walk(node, where):
    if not isinstance(node, dict) or "@value" in node or set(node) == {"@id"}:
        return  # a literal, or an IRI (url, sameAs)
    if "@list" in node:
        for i, item in enumerate(node["@list"]):
            walk(item, f"{where}[{i}]")
        return
    types = [local(t) for t in node.get("@type", [])]
    if not types:
        problems.append(f"{where}: a node without a type")
    for t in types:
        if t not in parents:
            problems.append(f"{where}: '{t}' is not a schema.org type")
        nodes[t] = nodes.get(t, 0) + 1
    lineage = set().union(*(ancestry(t) for t in types)) if types else set()
    for key, values in node.items():
        if key.startswith("@"):
            continue
        name = local(key)
        if name is None or name not in domains:
            problems.append(f"{where}: '{name or key}' is not a schema.org property")
            continue
        used.add(name)
        if not domains[name] & lineage:
            problems.append(f"{where}: '{name}' is not a property of {'/'.join(types)} "
                            f"(its domain is {', '.join(sorted(domains[name]))})")
        for i, v in enumerate(values):
            walk(v, f"{where}.{name}[{i}]")


for i, n in enumerate(expanded):
    walk(n, f"[{i}]")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(json.dumps({"nodes": nodes, "properties": sorted(used)}))

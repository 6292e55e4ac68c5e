"""Reads a PROV-JSON export with python `prov` and summarises what it read.

usage: prov_check.py FILE

Deserializes the document with prov.model.ProvDocument (format json), writes it out again
as PROV-N (which walks every record), and checks that every relation points at an entity,
agent or activity the document declares. Prints {"entity": N, "agent": N, ..., "quotations":
N, "attributions": [[entity, agent], ...], "derivations": [...], "labels": {...}} on success;
the problems and exit 1 otherwise.
"""
import json
import sys

from prov.model import (PROV_ATTR_ACTIVITY, PROV_ATTR_AGENT, PROV_ATTR_ENTITY,
                        PROV_ATTR_GENERATED_ENTITY, PROV_ATTR_USED_ENTITY, PROV_LABEL,
                        PROV_TYPE, ProvDocument, ProvElement, ProvRelation)

doc = ProvDocument.deserialize(source=sys.argv[1], format="json")
doc.get_provn()
declared = {str(r.identifier): r.get_type().localpart for r in doc.get_records(ProvElement)}
counts, problems = {}, []
attributions, derivations, quotations = [], [], 0
for r in doc.get_records():
    kind = r.get_type().localpart
    counts[kind] = counts.get(kind, 0) + 1
    if isinstance(r, ProvRelation):
        ends = [str(v) for k, v in r.formal_attributes if v is not None]
        for e in ends:
            if e not in declared:
                problems.append(f"{kind} points at {e}, which is not declared")
        attrs = dict(r.formal_attributes)
        if kind == "Attribution":
            attributions.append([str(attrs[PROV_ATTR_ENTITY]), str(attrs[PROV_ATTR_AGENT])])
        if kind == "Derivation":
            types = [str(t) for t in r.get_asserted_types()]
            is_quote = "prov:Quotation" in types
            quotations += is_quote
            derivations.append([str(attrs[PROV_ATTR_GENERATED_ENTITY]),
                                str(attrs[PROV_ATTR_USED_ENTITY]), is_quote])
labels = {}
for r in doc.get_records(ProvElement):
    for v in r.get_attribute(PROV_LABEL):
        labels[str(r.identifier)] = str(v)
types = {str(r.identifier): [str(t) for t in r.get_asserted_types()]
         for r in doc.get_records(ProvElement)}
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(json.dumps({"counts": counts, "quotations": quotations, "attributions": attributions,
                  "derivations": derivations, "labels": labels, "types": types}))

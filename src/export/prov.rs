//! W3C PROV: the provenance of claims as PROV-JSON, and the same graph as Graphviz DOT.
//!
//! Design decisions:
//!
//! - Entities: source versions (`source/<sha256>`), appearances (`appearance/<id>`: the
//!   quote in that version), claims (`claim/<id>`: what the claimant said), one hop per
//!   conduit (`claim/<id>/via/<n>`: the claim as that conduit passed it on) and status
//!   events (`status/<seq>`). Agents: parties (`party/<id>`: Person or Organization) and
//!   the people who recorded entries (`actor/<name>`). Activities: the journal entries that
//!   make those entities (`entry/<seq>`: source.add, claim.add, claim.cite, status.set).
//! - Relations: `wasAttributedTo` (claim → claimant, hop → conduit, status → the party it
//!   names); `wasDerivedFrom` hop → the hop before it (or the claim), appearance → the last
//!   hop, and appearance → source version with `prov:type` `prov:Quotation` (PROV-JSON has
//!   no wasQuotedFrom key); `wasGeneratedBy` entity → entry; `used` entry → the source it
//!   quotes, the claim it assesses, the evidence it rests on; `wasAssociatedWith` entry →
//!   recorder.
//! - Identifiers are qualified names in one namespace, `cl`, bound to the ledger's URN
//!   (`urn:claimledger:<origin>:`), so graphs of two ledgers never collide.

use std::collections::BTreeMap;
use std::io::{self, Write};

use indexmap::{IndexMap, IndexSet};
use serde_json::{Map, Value, json};

use super::pretty::Open;
use super::{ClaimRecord, LedgerRecord, PartyRecord, SourceRecord, ledger_urn};

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A PROV entity.
    Entity,
    /// A PROV agent.
    Agent,
    /// A PROV activity.
    Activity,
}

/// A node: its kind and its PROV attributes (`prov:label`, `prov:type`, times).
#[derive(Debug, Clone)]
pub struct Node {
    /// Entity, agent or activity.
    pub kind: NodeKind,
    /// The label people read.
    pub label: String,
    /// A PROV type (`prov:Person`, ...), if any.
    pub prov_type: Option<&'static str>,
    /// When (activities).
    pub time: Option<String>,
}

/// The PROV relations used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// entity → agent.
    WasAttributedTo,
    /// generated entity → used entity.
    WasDerivedFrom,
    /// quoting entity → quoted entity (a wasDerivedFrom of type prov:Quotation).
    WasQuotedFrom,
    /// entity → activity.
    WasGeneratedBy,
    /// activity → entity.
    Used,
    /// activity → agent.
    WasAssociatedWith,
}

impl Relation {
    /// The PROV-JSON key of the relation.
    fn key(self) -> &'static str {
        match self {
            Relation::WasAttributedTo => "wasAttributedTo",
            Relation::WasDerivedFrom | Relation::WasQuotedFrom => "wasDerivedFrom",
            Relation::WasGeneratedBy => "wasGeneratedBy",
            Relation::Used => "used",
            Relation::WasAssociatedWith => "wasAssociatedWith",
        }
    }

    /// The PROV-JSON names of its two ends.
    fn ends(self) -> (&'static str, &'static str) {
        match self {
            Relation::WasAttributedTo => ("prov:entity", "prov:agent"),
            Relation::WasDerivedFrom | Relation::WasQuotedFrom => {
                ("prov:generatedEntity", "prov:usedEntity")
            }
            Relation::WasGeneratedBy => ("prov:entity", "prov:activity"),
            Relation::Used => ("prov:activity", "prov:entity"),
            Relation::WasAssociatedWith => ("prov:activity", "prov:agent"),
        }
    }

    /// How the DOT graph labels the edge.
    fn label(self) -> &'static str {
        match self {
            Relation::WasQuotedFrom => "wasQuotedFrom",
            other => other.key(),
        }
    }
}

/// A provenance graph: nodes by qualified name (`cl:claim/C1`) and relations between them.
/// A relation names its nodes by their index in `nodes` (a graph of a million claims holds
/// each name once).
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The namespace `cl` stands for.
    pub namespace: String,
    /// Nodes by qualified name, in the order found.
    pub nodes: IndexMap<String, Node>,
    /// Relations (from, to: indices in `nodes`), in the order found, without repeats.
    pub edges: IndexSet<(Relation, usize, usize)>,
    /// Who recorded each journal entry, by sequence number.
    recorders: BTreeMap<i64, String>,
}

impl Graph {
    fn node(&mut self, id: String, kind: NodeKind, label: String) -> usize {
        let entry = self.nodes.entry(id);
        let index = entry.index();
        entry.or_insert(Node {
            kind,
            label,
            prov_type: None,
            time: None,
        });
        index
    }

    fn edge(&mut self, relation: Relation, from: usize, to: usize) {
        self.edges.insert((relation, from, to));
    }

    /// A node's qualified name.
    pub fn name(&self, index: usize) -> &str {
        self.nodes
            .get_index(index)
            .map_or("", |(id, _)| id.as_str())
    }

    /// The nodes in the order of their names.
    pub fn sorted_nodes(&self) -> Vec<(&String, &Node)> {
        let mut nodes: Vec<(&String, &Node)> = self.nodes.iter().collect();
        nodes.sort_unstable_by(|a, b| a.0.cmp(b.0));
        nodes
    }

    fn party(&mut self, p: &PartyRecord) -> usize {
        let id = self.node(
            format!("cl:party/{}", p.id),
            NodeKind::Agent,
            p.name.clone(),
        );
        if let Some((_, n)) = self.nodes.get_index_mut(id) {
            n.prov_type = Some(if p.is_person() {
                "prov:Person"
            } else {
                "prov:Organization"
            });
        }
        id
    }

    fn actor(&mut self, name: &str) -> usize {
        let id = self.node(
            format!("cl:actor/{}", local(name)),
            NodeKind::Agent,
            name.to_string(),
        );
        if let Some((_, n)) = self.nodes.get_index_mut(id) {
            n.prov_type = Some("prov:Person");
        }
        id
    }

    fn source(&mut self, s: &SourceRecord) -> usize {
        let label = match &s.title {
            Some(t) => format!("{t} ({}@{})", s.document, s.version),
            None => format!("{}@{}", s.document, s.version),
        };
        let id = self.node(format!("cl:source/{}", s.sha256), NodeKind::Entity, label);
        let entry = self.entry(s.seq, "source.add", &s.captured_at);
        self.edge(Relation::WasGeneratedBy, id, entry);
        id
    }

    fn entry(&mut self, seq: i64, kind: &str, time: &str) -> usize {
        let id = self.node(
            format!("cl:entry/{seq}"),
            NodeKind::Activity,
            format!("#{seq} {kind}"),
        );
        if let Some((_, n)) = self.nodes.get_index_mut(id) {
            n.time.get_or_insert_with(|| time.to_string());
        }
        if let Some(actor) = self.recorders.get(&seq).cloned() {
            let agent = self.actor(&actor);
            self.edge(Relation::WasAssociatedWith, id, agent);
        }
        id
    }
}

/// Percent-encodes what a qualified name's local part should not hold as it is.
fn local(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The provenance graph of `claims`, built a claim at a time (the graph is kept, the
/// claims' records are not).
pub fn graph(ledger: &LedgerRecord, claims: impl IntoIterator<Item = ClaimRecord>) -> Graph {
    let mut g = Graph {
        namespace: ledger_urn(&ledger.origin, ""),
        ..Graph::default()
    };
    for c in claims {
        for e in &c.entries {
            if g.recorders.insert(e.seq, e.actor.clone()).is_none() {
                // An entry a claim before this one reached without its recorder (the
                // evidence of a status): associate it now.
                if let Some(id) = g.nodes.get_index_of(&format!("cl:entry/{}", e.seq)) {
                    let agent = g.actor(&e.actor);
                    g.edge(Relation::WasAssociatedWith, id, agent);
                }
            }
        }
        let claim = g.node(
            format!("cl:claim/{}", c.id),
            NodeKind::Entity,
            format!("{}: {}", c.id, c.statement),
        );
        let claimant = g.party(&c.claimant);
        g.edge(Relation::WasAttributedTo, claim, claimant);
        let added = g.entry(c.seq, "claim.add", &c.recorded);
        g.edge(Relation::WasGeneratedBy, claim, added);
        let mut last = claim;
        for (i, p) in c.via.iter().enumerate() {
            let hop = g.node(
                format!("cl:claim/{}/via/{}", c.id, i + 1),
                NodeKind::Entity,
                format!("{} as relayed by {}", c.id, p.name),
            );
            let conduit = g.party(p);
            g.edge(Relation::WasDerivedFrom, hop, last);
            g.edge(Relation::WasAttributedTo, hop, conduit);
            g.edge(Relation::WasGeneratedBy, hop, added);
            last = hop;
        }
        for a in &c.appearances {
            let ap = g.node(
                format!("cl:appearance/{}", a.id),
                NodeKind::Entity,
                format!("“{}”", a.exact),
            );
            let source = g.source(&a.source);
            g.edge(Relation::WasQuotedFrom, ap, source);
            g.edge(Relation::WasDerivedFrom, ap, last);
            let kind = if a.seq == c.seq {
                "claim.add"
            } else {
                "claim.cite"
            };
            let entry = g.entry(a.seq, kind, &a.time);
            g.edge(Relation::WasGeneratedBy, ap, entry);
            g.edge(Relation::Used, entry, source);
        }
        for s in &c.history {
            let st = g.node(
                format!("cl:status/{}", s.seq),
                NodeKind::Entity,
                format!("{}: {}", c.id, s.phrase),
            );
            let entry = g.entry(s.seq, "status.set", &s.time);
            g.edge(Relation::WasGeneratedBy, st, entry);
            g.edge(Relation::Used, entry, claim);
            if let Some(by) = &s.by {
                let party = g.party(by);
                g.edge(Relation::WasAttributedTo, st, party);
            }
            if let Some(evidence) = &s.evidence {
                let source = g.source(evidence);
                g.edge(Relation::Used, entry, source);
            }
        }
    }
    g
}

fn qualified(name: &str) -> Value {
    json!({"$": name, "type": "prov:QUALIFIED_NAME"})
}

/// Writes the graph as PROV-JSON (W3C Member Submission, as python `prov` reads it),
/// pretty-printed with its keys in sorted order, a record at a time, and a final line
/// break. Relations are named `_:r1`, `_:r2`, ... in the order found.
pub fn write_json(out: &mut dyn Write, g: &Graph) -> io::Result<()> {
    let mut doc = Open::object(0);
    let sorted = g.sorted_nodes();
    for (key, kind) in [
        ("activity", NodeKind::Activity),
        ("agent", NodeKind::Agent),
        ("entity", NodeKind::Entity),
    ] {
        let mut nodes = sorted.iter().filter(|(_, n)| n.kind == kind).peekable();
        if nodes.peek().is_none() {
            continue;
        }
        doc.key(out, key)?;
        let mut records = Open::object(1);
        for (id, n) in nodes {
            let mut attrs = Map::new();
            attrs.insert("prov:label".into(), json!(n.label));
            if let Some(t) = n.prov_type {
                attrs.insert("prov:type".into(), qualified(t));
            }
            if let Some(time) = &n.time {
                attrs.insert("prov:startTime".into(), json!(time));
                attrs.insert("prov:endTime".into(), json!(time));
            }
            records.field(out, id, &attrs)?;
        }
        records.close(out)?;
    }
    doc.field(out, "prefix", &json!({"cl": g.namespace}))?;
    let mut keys: Vec<&str> = g.edges.iter().map(|(r, _, _)| r.key()).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        // A group's records in the order of their names as strings (`_:r10` before `_:r2`).
        let mut names: Vec<(String, usize)> = (0..g.edges.len())
            .filter(|&i| g.edges[i].0.key() == key)
            .map(|i| (format!("_:r{}", i + 1), i))
            .collect();
        names.sort_unstable();
        doc.key(out, key)?;
        let mut records = Open::object(1);
        for (name, i) in names {
            let (relation, from, to) = &g.edges[i];
            let (a, b) = relation.ends();
            let mut attrs = Map::new();
            attrs.insert(a.into(), json!(g.name(*from)));
            attrs.insert(b.into(), json!(g.name(*to)));
            if *relation == Relation::WasQuotedFrom {
                attrs.insert("prov:type".into(), qualified("prov:Quotation"));
            }
            records.field(out, &name, &attrs)?;
        }
        records.close(out)?;
    }
    doc.close(out)?;
    out.write_all(b"\n")
}

/// A DOT string literal: quotes and backslashes escaped, line breaks as `\n`, other
/// control characters dropped, long labels cut with an ellipsis.
pub fn dot_string(text: &str, max: usize) -> String {
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The graph as Graphviz DOT, in the PROV colours (entities yellow ellipses, agents
/// orange houses, activities blue boxes).
pub fn dot(g: &Graph) -> String {
    let mut out = String::from(
        "digraph prov {\n  rankdir=BT;\n  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n  edge [fontname=\"Helvetica\", fontsize=8];\n",
    );
    for (id, n) in g.sorted_nodes() {
        let style = match n.kind {
            NodeKind::Entity => "shape=ellipse, fillcolor=\"#FFFC87\"",
            NodeKind::Agent => "shape=house, fillcolor=\"#FED37F\"",
            NodeKind::Activity => "shape=box, fillcolor=\"#9FB1FC\"",
        };
        out += &format!(
            "  {} [{style}, label={}];\n",
            dot_string(id, usize::MAX),
            dot_string(&n.label, 60)
        );
    }
    for (relation, from, to) in &g.edges {
        out += &format!(
            "  {} -> {} [label={}];\n",
            dot_string(g.name(*from), usize::MAX),
            dot_string(g.name(*to), usize::MAX),
            dot_string(relation.label(), usize::MAX)
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_strings_cannot_break_out() {
        assert_eq!(dot_string("a\"b\\c\nd\u{1b}e", 60), "\"a\\\"b\\\\c\\nde\"");
        assert_eq!(dot_string("abcdef", 3), "\"abc…\"");
    }
}

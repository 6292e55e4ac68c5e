//! Declarative shadow roots (`<template shadowrootmode>`): `innerText` does not enter
//! them, and of the host's own children keeps only those the root's slots take.

use ego_tree::NodeRef;
use scraper::Node;

use super::{Options, element_name};

/// Elements a shadow root can be attached to (and autonomous custom elements, whose names
/// have a hyphen).
const SHADOW_HOSTS: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "body",
    "div",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "main",
    "nav",
    "p",
    "section",
    "span",
];

/// The slots of a declarative shadow root: which of the host's children it shows.
#[derive(Debug, Default)]
pub(super) struct Slots {
    default: bool,
    named: Vec<String>,
}

impl Slots {
    /// Whether a child of the host is shown (assigned to a slot); the shadow root's own
    /// template is not.
    pub(super) fn takes(&self, child: NodeRef<'_, Node>) -> bool {
        match child.value() {
            Node::Text(_) => self.default,
            Node::Element(e) if e.name() == "template" => false,
            Node::Element(e) => match e.attr("slot").unwrap_or("") {
                "" => self.default,
                name => self.named.iter().any(|n| n == name),
            },
            _ => false,
        }
    }
}

/// The declarative shadow root of `host`, if it has one: its first child `<template>`
/// with a shadow root mode of `open` or `closed` (later ones stay plain templates).
pub(super) fn shadow_root(host: NodeRef<'_, Node>, options: Options) -> Option<Slots> {
    let name = element_name(&host)?;
    if !(SHADOW_HOSTS.contains(&name) || name.contains('-')) {
        return None;
    }
    let template = host.children().find(|c| {
        c.value().as_element().is_some_and(|e| {
            let mode = e.attr("shadowrootmode").or_else(|| {
                options
                    .legacy_shadow_attr
                    .then(|| e.attr("shadowmode"))
                    .flatten()
            });
            e.name() == "template"
                && mode.is_some_and(|m| {
                    m.eq_ignore_ascii_case("open") || m.eq_ignore_ascii_case("closed")
                })
        })
    })?;
    let mut slots = Slots::default();
    // The template's content (a fragment under it), not entering nested templates: a
    // nested shadow root's slots belong to its own host.
    let mut stack: Vec<NodeRef<'_, Node>> = template.children().collect();
    while let Some(n) = stack.pop() {
        match element_name(&n) {
            Some("template") => continue,
            Some("slot") => {
                let e = n.value().as_element().expect("an element");
                match e.attr("name").unwrap_or("") {
                    "" => slots.default = true,
                    name => slots.named.push(name.to_string()),
                }
            }
            _ => {}
        }
        stack.extend(n.children());
    }
    Some(slots)
}

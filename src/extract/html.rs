//! The text a reader sees in an HTML page, as a browser's `innerText` of `<body>` gives it.
//!
//! Design decisions:
//!
//! - Parsed by html5ever (through `scraper`), the HTML5 parsing algorithm browsers use, so
//!   entities, unclosed tags and misnested markup come out as a browser builds them.
//! - No CSS engine: what is rendered follows the browser's default style sheet by element
//!   name, the `hidden` attribute and an inline `style` (`display: none`, `visibility`,
//!   `white-space: pre*`). A page that hides text from a style sheet or by script keeps that
//!   text here; quotes still anchor only in text the page holds.
//! - The algorithm is the HTML standard's "rendered text collection steps": block boxes
//!   are one required line break, `<p>` two, `<br>` a line feed, table cells a tab and rows
//!   a line feed; runs of collapsible white space become one space, and none is kept at the
//!   start or end of a line. Tests compare it with headless Chromium on fixture pages.
//! - A declarative shadow root (`<template shadowrootmode="open|closed">`, as SingleFile
//!   saves a page's shadow DOM) is rendered by the browser but `innerText` does not enter
//!   it: its content is left out, and of the host's own children only those its slots take
//!   are kept (Chromium does the same; tests compare).
//! - [`EXTRACTOR`] names the rules; any change to what text comes out bumps its version, so
//!   stored derived texts made by other rules are reported by `verify`, never re-read as if
//!   they were the same.

mod replaced;
mod shadow;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use shadow::shadow_root;

/// Name and version of these rules, recorded with every derived text.
pub const EXTRACTOR: &str = "claimledger-html-innertext/2";

/// How the page is read: as a browser reads a page saved as HTML ([`Options::PAGE`]) or
/// the page inside an MHTML archive ([`Options::ARCHIVED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Whether scripting is on: a browser runs no script in an MHTML archive, so there it
    /// parses `<noscript>` as markup and shows its content.
    pub scripting: bool,
    /// Whether `<template shadowmode>` (the attribute's name before `shadowrootmode`, which
    /// Chromium still writes into MHTML and reads back from it) makes a shadow root.
    pub legacy_shadow_attr: bool,
}

impl Options {
    /// A page saved as HTML, opened in a browser.
    pub const PAGE: Options = Options {
        scripting: true,
        legacy_shadow_attr: false,
    };
    /// The page of an MHTML archive, opened in a browser.
    pub const ARCHIVED: Options = Options {
        scripting: false,
        legacy_shadow_attr: true,
    };
}

/// A page's derived text and where each of its code points came from.
pub struct Derived {
    /// The text, as `innerText` gives it.
    pub text: String,
    doc: Html,
    /// Per code point of `text`: the text node and code point offset in it it came from
    /// (none for line breaks and tabs the layout adds).
    origin: Vec<Option<(NodeId, usize)>>,
}

/// Where a span of the derived text sits in the markup (the two ends of a W3C
/// `RangeSelector` of `XPathSelector`s, with code point offsets in the text nodes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MarkupRange {
    /// XPath of the text node the span starts in.
    pub start_xpath: String,
    /// Code point offset in that text node.
    pub start_offset: usize,
    /// XPath of the text node the span ends in.
    pub end_xpath: String,
    /// Code point offset just past the span's last code point in that text node.
    pub end_offset: usize,
    /// The markup of the smallest element holding the whole span, serialized.
    pub context: String,
}

/// Derives the text of an HTML page saved as HTML.
pub fn derive(html: &str) -> Derived {
    derive_with(html, Options::PAGE)
}

/// Derives the text of an HTML page read as `options` say.
pub fn derive_with(html: &str, options: Options) -> Derived {
    use html5ever::tendril::TendrilSink;
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: options.scripting,
            ..Default::default()
        },
        ..Default::default()
    };
    let doc =
        html5ever::driver::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), opts)
            .one(html);
    let mut b = Builder {
        options,
        ..Builder::default()
    };
    if let Some(body) = body(&doc) {
        walk(&mut b, body, Style::default());
    }
    Derived {
        text: b.out,
        origin: b.origin,
        doc,
    }
}

impl Derived {
    /// Where code points `start..end` of the text sit in the markup (None when the span
    /// starts or ends on a line break the layout added, or is empty).
    pub fn markup_range(&self, start: usize, end: usize) -> Option<MarkupRange> {
        if start >= end || end > self.origin.len() {
            return None;
        }
        let first = (start..end).find_map(|i| self.origin[i])?;
        let last = (start..end).rev().find_map(|i| self.origin[i])?;
        let a = self.doc.tree.get(first.0)?;
        let z = self.doc.tree.get(last.0)?;
        let z_ancestors: Vec<NodeId> = z.ancestors().map(|n| n.id()).collect();
        let common = a
            .ancestors()
            .find(|n| z_ancestors.contains(&n.id()))
            .and_then(scraper::ElementRef::wrap);
        Some(MarkupRange {
            start_xpath: xpath(a),
            start_offset: first.1,
            end_xpath: xpath(z),
            end_offset: last.1 + 1,
            context: common.map(|e| e.html()).unwrap_or_default(),
        })
    }
}

/// Most code points of surrounding markup kept in [`MarkupRange::context`].
const CONTEXT_CHARS: usize = 400;

/// Where code points `start..end` of a page's derived text sit in its markup, with the
/// surrounding markup cut to a readable length.
pub fn markup_of(bytes: &[u8], start: i64, end: i64) -> Option<MarkupRange> {
    markup_in(
        &super::charset::decode(bytes, None)?,
        Options::PAGE,
        start,
        end,
    )
}

/// [`markup_of`] for a page read as `options` say.
pub fn markup_in(html: &str, options: Options, start: i64, end: i64) -> Option<MarkupRange> {
    let (start, end) = (usize::try_from(start).ok()?, usize::try_from(end).ok()?);
    let mut range = derive_with(html, options).markup_range(start, end)?;
    if range.context.chars().count() > CONTEXT_CHARS {
        range.context = range
            .context
            .chars()
            .take(CONTEXT_CHARS)
            .collect::<String>()
            + "…";
    }
    Some(range)
}

fn body(doc: &Html) -> Option<NodeRef<'_, Node>> {
    let root = doc.root_element();
    root.children().find(|n| {
        n.value()
            .as_element()
            .is_some_and(|e| e.name() == "body" || e.name() == "frameset")
    })
}

/// What an element passes down to its content.
#[derive(Debug, Clone, Copy, Default)]
struct Style {
    visible_hidden: bool,
    pre: WhiteSpace,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum WhiteSpace {
    #[default]
    Normal,
    Pre,
    PreLine,
}

/// Where a code point of the text came from: a text node and code point offset in it
/// (none for what the layout adds).
type Origin = Option<(NodeId, usize)>;

#[derive(Default)]
struct Builder {
    options: Options,
    out: String,
    origin: Vec<Option<(NodeId, usize)>>,
    pending_breaks: usize,
    pending_space: Option<Option<(NodeId, usize)>>,
    line_start: bool,
    /// A space before a float or an absolutely positioned box, kept (at this byte and
    /// code point index) only if the line goes on after the box.
    deferred: Option<(usize, usize, Origin)>,
}

impl Default for Options {
    fn default() -> Self {
        Options::PAGE
    }
}

impl Builder {
    /// In-flow content follows on the line: a space deferred before a float is kept.
    fn resolve_deferred(&mut self) {
        if let Some((byte, index, from)) = self.deferred.take() {
            self.out.insert(byte, ' ');
            self.origin.insert(index, from);
        }
    }

    fn breaks(&mut self, n: usize) {
        self.deferred = None;
        self.pending_breaks = self.pending_breaks.max(n);
        self.pending_space = None;
        self.line_start = true;
    }

    fn flush_breaks(&mut self) {
        if self.pending_breaks > 0 && !self.out.is_empty() {
            for _ in 0..self.pending_breaks {
                self.push(None, '\n');
            }
        }
        self.pending_breaks = 0;
    }

    fn push(&mut self, from: Option<(NodeId, usize)>, c: char) {
        self.out.push(c);
        self.origin.push(from);
    }

    /// A string the layout adds (a line feed for `<br>`, a tab after a cell).
    fn layout(&mut self, c: char) {
        self.deferred = None;
        self.flush_breaks();
        self.pending_space = None;
        self.push(None, c);
        self.line_start = true;
    }

    fn text(&mut self, node: NodeId, text: &str, ws: WhiteSpace) {
        for (i, c) in text.chars().enumerate() {
            let at = Some((node, i));
            let collapsible = matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}');
            match ws {
                WhiteSpace::Pre => {
                    self.resolve_deferred();
                    self.flush_breaks();
                    if let Some(space) = self.pending_space.take() {
                        self.push(space, ' ');
                    }
                    self.push(at, if c == '\r' { '\n' } else { c });
                    self.line_start = c == '\n';
                }
                WhiteSpace::PreLine if c == '\n' => {
                    self.flush_breaks();
                    self.pending_space = None;
                    self.push(at, '\n');
                    self.line_start = true;
                }
                _ if collapsible => {
                    if !self.line_start && self.pending_space.is_none() {
                        self.pending_space = Some(at);
                    }
                }
                _ => {
                    self.resolve_deferred();
                    self.flush_breaks();
                    if let Some(space) = self.pending_space.take() {
                        self.push(space, ' ');
                    }
                    self.push(at, c);
                    self.line_start = false;
                }
            }
        }
    }
}

/// Elements the default style sheet does not render, content and all (`<noscript>` only
/// while scripting is on).
const NOT_RENDERED: &[&str] = &[
    "head", "script", "style", "template", "noscript", "title", "meta", "link", "base", "area",
    "datalist", "param", "rp", "math", "noembed", "noframes",
];

/// Elements the default style sheet makes blocks (one required line break either side).
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "plaintext",
    "pre",
    "search",
    "section",
    "summary",
    "table",
    "ul",
    "xmp",
];

fn inline_style(style: &str, property: &str) -> Option<String> {
    style.split(';').rev().find_map(|decl| {
        let (name, value) = decl.split_once(':')?;
        (name.trim().eq_ignore_ascii_case(property)).then(|| {
            value
                .trim()
                .trim_end_matches("!important")
                .trim()
                .to_ascii_lowercase()
        })
    })
}

fn walk(b: &mut Builder, node: NodeRef<'_, Node>, inherited: Style) {
    match node.value() {
        Node::Text(t) if !inherited.visible_hidden => b.text(node.id(), t, inherited.pre),
        Node::Element(e) => {
            let name = e.name();
            let style = e.attr("style").unwrap_or("");
            let display = inline_style(style, "display");
            if (NOT_RENDERED.contains(&name) && (name != "noscript" || b.options.scripting))
                || replaced::is_unrendered(name, e)
                || e.attr("hidden").is_some()
                || display.as_deref() == Some("none")
                || (name == "dialog" && e.attr("open").is_none())
            {
                return;
            }
            let mut own = inherited;
            match inline_style(style, "visibility").as_deref() {
                Some("hidden") | Some("collapse") => own.visible_hidden = true,
                Some("visible") => own.visible_hidden = false,
                _ => {}
            }
            if matches!(name, "pre" | "listing" | "xmp" | "plaintext") {
                own.pre = WhiteSpace::Pre;
            }
            match inline_style(style, "white-space").as_deref() {
                Some("pre" | "pre-wrap" | "break-spaces") => own.pre = WhiteSpace::Pre,
                Some("pre-line") => own.pre = WhiteSpace::PreLine,
                Some("normal" | "nowrap") => own.pre = WhiteSpace::Normal,
                _ => {}
            }
            // A float or an absolutely positioned box is made a block (CSS 2 §9.7): an
            // inline `float` or `position`, or `align` on an image or embedded object.
            let floated = matches!(
                inline_style(style, "float").as_deref(),
                Some("left" | "right")
            ) || matches!(
                inline_style(style, "position").as_deref(),
                Some("absolute" | "fixed")
            ) || (matches!(name, "img" | "object" | "embed" | "iframe" | "input")
                && e.attr("align").is_some_and(|a| {
                    a.eq_ignore_ascii_case("left") || a.eq_ignore_ascii_case("right")
                }));
            let block = floated
                || match display.as_deref() {
                    Some("block" | "flex" | "grid" | "list-item" | "table") => true,
                    Some(_) => false,
                    None => BLOCKS.contains(&name),
                };
            let inline_block = !block
                && matches!(
                    display.as_deref(),
                    Some("inline-block" | "inline-flex" | "inline-grid" | "inline-table")
                );
            let cell = display.is_none() && matches!(name, "td" | "th");
            let row = display.is_none() && name == "tr";
            // A box under `visibility: hidden` adds no line breaks either (its visible
            // descendants still do).
            let (block, cell, row) = if own.visible_hidden {
                (false, false, false)
            } else {
                (block, cell, row)
            };
            if name == "br" {
                if !own.visible_hidden {
                    b.layout('\n');
                }
                return;
            }
            if !block && replaced::is_atomic(name, e) {
                // (Under visibility: hidden it adds nothing, not even its spaces' effect.)
                if !own.visible_hidden {
                    replaced::walk_atomic(b, node, name, own);
                }
                return;
            }
            if inline_block && !own.visible_hidden {
                b.atomic();
                replaced::walk_inline_block(b, node, own);
                return;
            }
            let breaks = if name == "p" { 2 } else { 1 };
            // A space before a float stays if the line goes on after it.
            let before_float = match b.pending_space {
                Some(space) if floated && !own.visible_hidden && b.pending_breaks == 0 => {
                    b.pending_space = None;
                    Some((b.out.len(), b.origin.len(), space))
                }
                _ => None,
            };
            if block {
                b.breaks(breaks);
            }
            if cell || row {
                b.pending_space = None;
                b.line_start = true;
            }
            let shadow = shadow_root(node, b.options);
            for child in node.children() {
                if shadow.as_ref().is_none_or(|slots| slots.takes(child)) {
                    walk(b, child, own);
                }
            }
            if block {
                b.breaks(breaks);
            }
            if before_float.is_some() {
                b.deferred = before_float;
            }
            if cell && !is_last(node, &["td", "th"]) {
                b.layout('\t');
            } else if cell {
                b.pending_space = None;
            }
            if row && !is_last_row(node) {
                b.layout('\n');
            }
        }
        _ => {}
    }
}

pub(crate) fn element_name<'a>(n: &NodeRef<'a, Node>) -> Option<&'a str> {
    n.value().as_element().map(|e| e.name())
}

fn is_last(node: NodeRef<'_, Node>, names: &[&str]) -> bool {
    !node
        .next_siblings()
        .any(|s| element_name(&s).is_some_and(|n| names.contains(&n)))
}

fn is_last_row(row: NodeRef<'_, Node>) -> bool {
    if !is_last(row, &["tr"]) {
        return false;
    }
    let Some(section) = row.parent() else {
        return true;
    };
    if !matches!(element_name(&section), Some("tbody" | "thead" | "tfoot")) {
        return true;
    }
    !section.next_siblings().any(|s| {
        matches!(element_name(&s), Some("tbody" | "thead" | "tfoot"))
            && s.children().any(|r| element_name(&r) == Some("tr"))
    })
}

/// An XPath 1.0 location of a node: `/html[1]/body[1]/p[2]/text()[1]`.
fn xpath(node: NodeRef<'_, Node>) -> String {
    let mut steps = Vec::new();
    let mut at = Some(node);
    while let Some(n) = at {
        let step = match n.value() {
            Node::Element(e) => {
                let same = n
                    .prev_siblings()
                    .filter(|s| element_name(s) == Some(e.name()))
                    .count();
                Some(format!("{}[{}]", e.name(), same + 1))
            }
            Node::Text(_) => {
                let same = n.prev_siblings().filter(|s| s.value().is_text()).count();
                Some(format!("text()[{}]", same + 1))
            }
            _ => None,
        };
        steps.extend(step);
        at = n.parent();
    }
    steps.reverse();
    format!("/{}", steps.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        derive(html).text
    }

    #[test]
    fn blocks_breaks_and_white_space() {
        assert_eq!(
            text("<p>one  <b>two</b>\n three</p><p>four<br> five</p>"),
            "one two three\n\nfour\nfive"
        );
        assert_eq!(text("<div> a </div><div>b</div>"), "a\nb");
        assert_eq!(text("<pre>  x\n  y</pre>"), "  x\n  y");
    }

    #[test]
    fn hidden_content_is_left_out() {
        assert_eq!(
            text("<p>a<script>x</script><span hidden>h</span><i style='display:none'>n</i>b</p>"),
            "ab"
        );
    }

    #[test]
    fn tables_are_tabs_and_lines() {
        assert_eq!(
            text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"),
            "a\tb\nc\td"
        );
    }

    #[test]
    fn a_shadow_root_shows_only_what_its_slots_take() {
        let page = "<div><template shadowrootmode=open><p>in shadow</p><slot name=n></slot>\
                    </template><b slot=n>named</b> loose <i>default</i></div>\
                    <a><template shadowrootmode=open>x</template>no host</a>\
                    <div><template shadowmode=open>legacy</template>light</div>";
        assert_eq!(text(page), "named\nno host\nlight");
        assert_eq!(derive_with(page, Options::ARCHIVED).text, "named\nno host");
    }

    #[test]
    fn a_span_is_found_in_the_markup() {
        let d = derive("<p>say <b>hello</b> world</p>");
        assert_eq!(d.text, "say hello world");
        let r = d.markup_range(4, 11).unwrap();
        assert_eq!(r.start_xpath, "/html[1]/body[1]/p[1]/b[1]/text()[1]");
        assert_eq!((r.start_offset, r.end_offset), (0, 2));
        assert_eq!(r.end_xpath, "/html[1]/body[1]/p[1]/text()[2]");
        assert_eq!(r.context, "<p>say <b>hello</b> world</p>");
    }
}

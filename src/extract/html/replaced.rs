//! Replaced and form elements (`<img>`, `<select>`, `<button>`, `<svg>`, …): atomic
//! inline boxes. What they add to `innerText` follows Chromium, checked case by case:
//!
//! - An atomic inline adds no text, but it is not white space either: the spaces either
//!   side of an `<img>` are both kept (`a <img> b` is `a  b`, and `<img> b` keeps its
//!   space), though it starts no line of its own.
//! - `<select>` shows every option (hidden or not), each on a line of its own; `<button>`
//!   shows its content, trimmed as an inline block's; `<svg>` shows the text of each
//!   `<text>` element on a line of its own; an `<object>` with `data` (a plugin) nothing,
//!   one without its fallback content; `<input>`, `<textarea>`, `<img>` (its `alt`
//!   too), `<video>`, `<canvas>`, `<iframe>`, `<embed>` and `<audio controls>` none.

use ego_tree::NodeRef;
use scraper::Node;

use super::{Builder, Style, element_name, walk};

/// Whether an element is an atomic inline here (when not made a block by its style).
pub(super) fn is_atomic(name: &str, e: &scraper::node::Element) -> bool {
    match name {
        "img" | "textarea" | "video" | "canvas" | "iframe" | "embed" | "select" | "button"
        | "svg" => true,
        "input" => !e
            .attr("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("hidden")),
        "audio" => e.attr("controls").is_some(),
        // A plugin; without `data` it shows its fallback content, as an inline.
        "object" => e.attr("data").is_some(),
        _ => false,
    }
}

/// Whether an element the browser does not render at all (`<input type=hidden>`, an
/// `<audio>` without controls).
pub(super) fn is_unrendered(name: &str, e: &scraper::node::Element) -> bool {
    matches!(name, "input" | "audio") && !is_atomic(name, e)
}

impl Builder {
    /// An atomic inline box: a pending space before it is kept, and one after it will be.
    pub(super) fn atomic(&mut self) {
        self.resolve_deferred();
        if let Some(space) = self.pending_space.take() {
            self.flush_breaks();
            self.push(space, ' ');
        }
        self.line_start = false;
    }

    /// After an atomic box whose content was laid out in lines of its own: a space after
    /// it is kept, on the next line.
    fn after_lines(&mut self) {
        self.line_start = false;
    }
}

/// Lays out an atomic inline element and what of its content `innerText` shows.
pub(super) fn walk_atomic(b: &mut Builder, node: NodeRef<'_, Node>, name: &str, style: Style) {
    b.atomic();
    match name {
        "select" => {
            let mut options = Vec::new();
            for child in node.children() {
                match element_name(&child) {
                    Some("option") => options.push(child),
                    Some("optgroup") => options.extend(
                        child
                            .children()
                            .filter(|c| element_name(c) == Some("option")),
                    ),
                    _ => {}
                }
            }
            for option in &options {
                b.breaks(1);
                for child in option.children() {
                    walk(
                        b,
                        child,
                        Style {
                            pre: Default::default(),
                            ..style
                        },
                    );
                }
                b.breaks(1);
            }
            if !options.is_empty() {
                b.after_lines();
            }
        }
        "svg" => {
            let mut texts = Vec::new();
            let mut stack: Vec<NodeRef<'_, Node>> = node.children().collect();
            stack.reverse();
            while let Some(n) = stack.pop() {
                match element_name(&n) {
                    Some("text") => texts.push(n),
                    Some(_) => {
                        let mut children: Vec<_> = n.children().collect();
                        children.reverse();
                        stack.extend(children);
                    }
                    None => {}
                }
            }
            for text in &texts {
                b.breaks(1);
                for child in text.children() {
                    walk(b, child, style);
                }
                b.breaks(1);
            }
            if !texts.is_empty() {
                b.after_lines();
            }
        }
        "button" => walk_inline_block(b, node, style),
        _ => {}
    }
}

/// The content of an inline block (a `<button>`, `display: inline-block`): laid out on
/// its own, so white space at its start and end is dropped; a space after it is kept.
pub(super) fn walk_inline_block(b: &mut Builder, node: NodeRef<'_, Node>, style: Style) {
    b.line_start = true;
    b.pending_space = None;
    for child in node.children() {
        walk(b, child, style);
    }
    b.pending_space = None;
    b.line_start = false;
}

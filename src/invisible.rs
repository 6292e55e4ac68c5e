//! The characters stored text may hold but a reader must never receive raw: C0 and C1
//! controls (but line breaks and tabs), DEL, and the bidi embedding, override and isolate
//! controls, which can reorder or hide what a terminal or a page shows. Every renderer
//! (the terminal's, the report's) shows them as a visible `\u{…}` escape instead; the
//! stored bytes keep them.

/// Whether `c` must be shown escaped rather than raw.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// The visible form of an unsafe character: its code point in Rust's escape syntax.
pub fn escape(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

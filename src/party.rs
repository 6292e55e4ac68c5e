//! Parties: anyone who says, relays, confirms or denies.
//!
//! A party has one display name and any number of aliases ("Russian MOD", "Russian Defense
//! Ministry", "Moscow"). Every name a user types is looked up by its *key*: NFKC, then
//! Unicode lowercase, with runs of whitespace collapsed to one space. So "russian  mod" and
//! "Russian MOD" are the same name, in any script, not just ASCII.

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// What sort of party this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A named person.
    Person,
    /// A government or one of its bodies (a ministry, a governor's office).
    Government,
    /// Armed forces or one of their units.
    Military,
    /// A news outlet or agency.
    Outlet,
    /// An OSINT account or group, or another social-media account.
    Account,
    /// An unnamed source ("a senior official").
    Unnamed,
    /// Any other organisation (an NGO, a think tank, a company).
    Organisation,
    /// Not said yet.
    Unknown,
}

impl PartyKind {
    /// The names users type for `--kind`.
    pub const NAMES: &'static [&'static str] = &[
        "person",
        "government",
        "military",
        "outlet",
        "account",
        "unnamed",
        "organisation",
        "unknown",
    ];

    /// Parses a kind name (a few common synonyms are accepted).
    pub fn parse(text: &str) -> Result<PartyKind> {
        Ok(match text.trim().to_lowercase().as_str() {
            "person" => PartyKind::Person,
            "government" | "gov" | "government-body" => PartyKind::Government,
            "military" => PartyKind::Military,
            "outlet" | "media" => PartyKind::Outlet,
            "account" | "osint" => PartyKind::Account,
            "unnamed" | "anonymous" => PartyKind::Unnamed,
            "organisation" | "organization" | "org" => PartyKind::Organisation,
            "unknown" => PartyKind::Unknown,
            _ => {
                return Err(Error::UnknownPartyKind {
                    kind: text.to_string(),
                    known: PartyKind::NAMES,
                });
            }
        })
    }

    /// The kind of a party first named in passing (as a claimant, conduit or `--by`):
    /// "a senior official", "an aide" is an unnamed source, described rather than named;
    /// anything else is not known yet.
    pub fn of_new_name(name: &str) -> PartyKind {
        let lower = name.trim().to_lowercase();
        if lower.starts_with("a ") || lower.starts_with("an ") {
            PartyKind::Unnamed
        } else {
            PartyKind::Unknown
        }
    }

    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Person => "person",
            PartyKind::Government => "government",
            PartyKind::Military => "military",
            PartyKind::Outlet => "outlet",
            PartyKind::Account => "account",
            PartyKind::Unnamed => "unnamed",
            PartyKind::Organisation => "organisation",
            PartyKind::Unknown => "unknown",
        }
    }
}

/// The lookup key of a name: NFKC, typographic apostrophes, quotes and dashes folded to
/// ASCII (as quotes are, SPEC §5), lowercase (with ß as ss), whitespace runs collapsed.
pub fn name_key(name: &str) -> String {
    let folded: String = name
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
        .replace('ß', "ss");
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Refuses a name that is not one line of printable text: a line break, another control
/// character (ESC, BEL, backspace, CR, tab...) or a bidi embedding, override or isolate
/// (U+202A–U+202E, U+2066–U+2069). `what` says which name ("party name", "--as").
pub fn check_name(what: &str, name: &str) -> Result<()> {
    // A name is one line: line breaks and tabs, which text may hold, are refused here too.
    let bad = name
        .chars()
        .find(|&c| c == '\n' || c == '\t' || crate::invisible::is_unsafe(c));
    match bad {
        None => Ok(()),
        Some(c) => Err(Error::BadName {
            what: what.to_string(),
            name: name.escape_debug().to_string(),
            found: match c {
                '\n' | '\r' => format!("a line break (U+{:04X})", c as u32),
                '\t' => "a tab (U+0009)".to_string(),
                c if c.is_control() => format!("the control character U+{:04X}", c as u32),
                c => format!("the bidi control U+{:04X}", c as u32),
            },
        }),
    }
}

/// Checks a name a user typed and returns it trimmed, with whitespace runs collapsed.
/// Names with control characters are refused ([`check_name`]).
pub fn clean_name(name: &str) -> Result<String> {
    check_name("the party name", name)?;
    let cleaned = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(Error::EmptyPartyName);
    }
    Ok(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_width_and_spacing() {
        assert_eq!(name_key("Russian  MOD"), name_key("russian mod"));
        assert_eq!(name_key("ＭＯＤ"), "mod");
        assert_eq!(name_key("МИНОБОРОНЫ"), name_key("Минобороны"));
        assert_eq!(name_key("Kyiv’s office"), name_key("KYIV'S OFFICE"));
        assert_eq!(name_key("Straße"), name_key("STRASSE"));
    }

    #[test]
    fn names_are_one_line_of_printable_text() {
        assert_eq!(clean_name("  Russian   MOD ").unwrap(), "Russian MOD");
        for bad in [
            "a\nb",
            "a\rb",
            "\u{1b}]0;x\u{7}",
            "a\tb",
            "x\u{202E}y",
            "x\u{2066}y",
        ] {
            assert!(
                matches!(clean_name(bad), Err(Error::BadName { .. })),
                "{bad:?}"
            );
        }
        assert!(clean_name("Міністерство оборони").is_ok());
    }

    #[test]
    fn a_name_with_an_article_is_an_unnamed_source() {
        assert_eq!(
            PartyKind::of_new_name("a senior official"),
            PartyKind::Unnamed
        );
        assert_eq!(PartyKind::of_new_name("An aide"), PartyKind::Unnamed);
        assert_eq!(PartyKind::of_new_name("Anatoly"), PartyKind::Unknown);
    }

    #[test]
    fn kinds_parse() {
        assert_eq!(PartyKind::parse("OSINT").unwrap(), PartyKind::Account);
        assert!(PartyKind::parse("alien").is_err());
    }
}

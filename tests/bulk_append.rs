//! The bulk path: many entries appended in ONE write transaction (as an importer does),
//! then checked with the real binary: `verify` passes, the full-text rows held back until
//! commit are all there (also quotes added by a `claim.cite` in the same transaction), and
//! `list --json` streams exactly the array it printed whole.

mod common;

use claimledger::anchor::Anchor;
use claimledger::journal::{AppearanceRecord, Event, PartyRef};
use claimledger::ledger::{Ledger, ListQuery};
use claimledger::party::PartyKind;
use claimledger::store::Store;
use common::{ARTICLE_V1, Sandbox};

const TIME: &str = "2026-01-01T00:00:00.000Z";

fn anchor(text: &str, quote: &str) -> Anchor {
    let at = text.find(quote).expect("the quote is in the article");
    let (start, end) = (
        text[..at].chars().count(),
        text[..at + quote.len()].chars().count(),
    );
    let chars: Vec<char> = text.chars().collect();
    let s = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    Anchor {
        start,
        end,
        exact: quote.to_string(),
        prefix: s(start.saturating_sub(32), start),
        suffix: s(end, (end + 32).min(chars.len())),
        normalized: false,
        fragments: None,
    }
}

#[test]
fn many_entries_in_one_transaction_verify_and_search() {
    let sb = Sandbox::new();
    std::fs::write(sb.dir.path().join("a.txt"), ARTICLE_V1).unwrap();
    let sha = sb.ok(&["-q", "source", "add", "a.txt"]).trim().to_string();
    let words: Vec<&str> = ARTICLE_V1
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 6 && w.is_ascii())
        .collect();
    let first = words[0];
    let second = *words
        .iter()
        .rev()
        .find(|w| !w.eq_ignore_ascii_case(first))
        .expect("two different words");
    let mut store = Store::open(&sb.db).unwrap();
    let tx = store.begin_write().unwrap();
    let party = PartyRef {
        id: 1,
        typed: "Bulk Party".into(),
    };
    tx.append(
        TIME,
        "bulk",
        Event::PartyAdd {
            id: 1,
            name: "Bulk Party".into(),
            kind: PartyKind::Person,
            description: None,
            aliases: Vec::new(),
        },
    )
    .unwrap();
    let claims = 300;
    for n in 1..=claims {
        let id = format!("C{n}");
        tx.append(
            TIME,
            "bulk",
            Event::ClaimAdd {
                id: id.clone(),
                statement: format!("bulk statement {n}"),
                claimant: party.clone(),
                via: Vec::new(),
                said: None,
                appearance: AppearanceRecord {
                    id: 2 * n - 1,
                    source: sha.clone(),
                    quote: first.into(),
                    anchor: anchor(ARTICLE_V1, first),
                },
                imported: None,
            },
        )
        .unwrap();
        // A status between full-text rows (its UPDATE opens a statement savepoint), and a
        // second appearance whose quote joins the claim's held-back full-text row.
        tx.append(
            TIME,
            "bulk",
            Event::StatusSet {
                claim: id.clone(),
                status: if n % 2 == 0 { "confirmed" } else { "disputed" }.into(),
                by: None,
                evidence: None,
                note: None,
            },
        )
        .unwrap();
        if n % 3 == 0 {
            tx.append(
                TIME,
                "bulk",
                Event::ClaimCite {
                    claim: id,
                    appearance: AppearanceRecord {
                        id: 2 * n,
                        source: sha.clone(),
                        quote: second.into(),
                        anchor: anchor(ARTICLE_V1, second),
                    },
                },
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(store);

    sb.ok(&["verify"]);
    let listed = sb.json(&["list"]);
    assert_eq!(listed.as_array().unwrap().len(), claims as usize);
    let confirmed = sb.json(&["list", "--status", "confirmed"]);
    assert_eq!(confirmed.as_array().unwrap().len(), claims as usize / 2);
    // Every claim's statement is searchable; the cited quote only in every third claim.
    let by_statement = sb.json(&["list", "--search", "bulk statement"]);
    assert_eq!(by_statement.as_array().unwrap().len(), claims as usize);
    let cited = sb.json(&["list", "--search", second]);
    let ids: Vec<&str> = cited
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), claims as usize / 3, "{ids:?}");
    assert!(ids.contains(&"C3") && ids.contains(&"C300") && !ids.contains(&"C1"));
    // The streamed JSON is the array the library returns, pretty-printed whole (what
    // `list --json` printed before it streamed), byte for byte.
    let text = sb.ok(&["list", "--json"]);
    let rows = Ledger::open(&sb.db, "tester")
        .unwrap()
        .list(&ListQuery::default())
        .unwrap();
    let whole = serde_json::to_string_pretty(&rows).unwrap() + "\n";
    assert!(
        text == whole,
        "list --json streamed differs from the whole array"
    );
}

//! Tables that read at 80 columns (and use 120 well): snapshots of `list`, `summary`,
//! `source list`, `party show` and `party list` at both widths and with `--wide`, and the
//! rules behind them checked directly: nothing wider than the terminal, the statement gets
//! the space, two different claimants never look the same, status labels stay whole, the
//! DOC@N people type is never cut, headers never break inside a word.
//!
//! Snapshots live in tests/snapshots/; after a deliberate change, regenerate them with
//! `UPDATE_SNAPSHOTS=1 cargo test --test tables` and read the diff.

mod common;

use common::{ARTICLE_V1, ARTICLE_V2, Sandbox};

/// The example article logged as a desk would: two ministries whose names differ only at
/// the end, an unnamed official through an outlet, an OSINT account through a platform,
/// statuses with long labels, and a second version of the article.
fn desk() -> Sandbox {
    let sb = Sandbox::new();
    let v1 = sb.file("report-v1.txt", ARTICLE_V1);
    sb.ok(&[
        "source",
        "add",
        &v1,
        "--title",
        "Drone strike tears gap in Corrin Bridge",
        "--url",
        "https://northgate.example/border/corrin-bridge",
        "--captured",
        "2026-03-03T06:40:00Z",
    ]);
    sb.ok(&[
        "party",
        "add",
        "Ministry of Defence of Orvenia",
        "--kind",
        "government",
        "--alias",
        "the MoD",
    ]);
    let claim = |quote: &str, claimant: &str, extra: &[&str]| {
        let mut args = vec![
            "claim",
            "add",
            "--source",
            "drone-strike-tears-gap-in-corrin-bridge@1",
            "--quote",
            quote,
            "--claimant",
            claimant,
        ];
        args.extend_from_slice(extra);
        sb.ok(&args);
    };
    claim(
        "a precision strike on a staging point used by hostile armed formations",
        "the MoD",
        &["--status", "denied", "--by", "Valtrane"],
    );
    claim(
        "Three civilians were killed and 11 were injured",
        "Haldmere district council",
        &["--status", "unconfirmed"],
    );
    claim(
        "approved in Lutrava at the highest level",
        "a senior Orvenian official",
        &["--via", "The Meridian Courier"],
    );
    claim(
        "it had geolocated two clips of the strike to the eastern span of the bridge",
        "Lantern Maps",
        &["--via", "Chirrup"],
    );
    claim(
        "There were no fighters on the Corrin Bridge last night",
        "Ministry of Defence of Valtrane",
        &["--status", "confirmed"],
    );
    let v2 = sb.file("report-v2.txt", ARTICLE_V2);
    sb.ok(&[
        "source",
        "add",
        &v2,
        "--version-of",
        "drone-strike-tears-gap-in-corrin-bridge@1",
        "--captured",
        "2026-03-03T09:15:00Z",
    ]);
    sb
}

fn at(sb: &Sandbox, columns: u16, args: &[&str]) -> String {
    let out = sb
        .cmd(args)
        .env("COLUMNS", columns.to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Compares with tests/snapshots/NAME.txt (or writes it, with UPDATE_SNAPSHOTS=1).
fn snapshot(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run UPDATE_SNAPSHOTS=1 cargo test --test tables",
            path.display()
        )
    });
    assert_eq!(
        text,
        expected,
        "{name} differs from {} (UPDATE_SNAPSHOTS=1 to accept):\n{text}",
        path.display()
    );
}

fn assert_fits(what: &str, text: &str, columns: usize) {
    for line in text.lines() {
        let width = line.chars().count();
        assert!(width <= columns, "{what}: {width} > {columns}: {line}");
    }
}

/// The content of column `index` of every body row, lines of a wrapped cell joined.
fn column(text: &str, index: usize) -> Vec<String> {
    let mut cells: Vec<String> = Vec::new();
    let mut in_body = false;
    for line in text.lines() {
        if line.starts_with('╞') {
            in_body = true;
            continue;
        }
        if !in_body || !line.starts_with('│') {
            continue;
        }
        let parts: Vec<&str> = line.trim_matches('│').split('┆').map(str::trim).collect();
        let first = parts[0];
        let part = parts.get(index).copied().unwrap_or("");
        if first.is_empty() {
            if let Some(last) = cells.last_mut() {
                if !part.is_empty() {
                    last.push(' ');
                    last.push_str(part);
                }
            }
        } else {
            cells.push(part.to_string());
        }
    }
    cells
}

#[test]
fn snapshots_at_80_and_120_columns() {
    let sb = desk();
    for width in [80, 120] {
        for (name, args) in [
            ("list", vec!["list"]),
            ("summary", vec!["summary"]),
            ("source-list", vec!["source", "list"]),
            ("party-show", vec!["party", "show", "the MoD"]),
            ("party-list", vec!["party", "list"]),
        ] {
            let text = at(&sb, width, &args);
            assert_fits(name, &text, width as usize);
            snapshot(&format!("{name}-{width}"), &text);
        }
    }
    let wide = at(&sb, 80, &["list", "--wide"]);
    assert_fits("list --wide", &wide, 80);
    snapshot("list-wide-80", &wide);
}

#[test]
fn at_80_columns_the_statement_gets_the_space_and_labels_stay_whole() {
    let sb = desk();
    let list = at(&sb, 80, &["list"]);
    let header = list.lines().nth(1).unwrap();
    let widths: Vec<usize> = header
        .trim_matches('│')
        .split('┆')
        .map(|c| c.chars().count())
        .collect();
    assert!(
        widths[1] > widths[2] && widths[1] > widths[3],
        "the statement column is the widest: {widths:?}\n{list}"
    );
    // Every status label whole (perhaps over two lines), never cut.
    let labels = column(&list, 3);
    assert_eq!(
        labels,
        [
            "denied by Valtrane",
            "not independently confirmed",
            "unverified",
            "unverified",
            "confirmed"
        ],
        "{list}"
    );
    // The two ministries differ only at the end of their names: they must not look alike.
    let claimants = column(&list, 2);
    assert_ne!(claimants[0], claimants[4], "{list}");
    assert!(claimants[0].contains("Orvenia") && claimants[4].contains("Valtrane"));
    // Conduits are not the first thing cut: the end of "X via Y" stays.
    assert!(claimants[3].ends_with("Chirrup"), "{list}");
    // The header is never broken inside a word.
    for line in list.lines().take(3) {
        assert!(!line.contains("vers ") && !line.contains("┆ ion"), "{list}");
    }
    let summary = at(&sb, 80, &["summary"]);
    let claimants = column(&summary, 0);
    let mut unique = claimants.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), claimants.len(), "{summary}");
}

#[test]
fn the_document_name_is_never_cut_and_wide_shows_every_cell_whole() {
    let sb = desk();
    for width in [60, 80] {
        let sources = at(&sb, width, &["source", "list"]);
        for doc in column(&sources, 0) {
            assert!(
                doc.starts_with("drone-strike-tears-gap-in-corrin-bridge@"),
                "{sources}"
            );
        }
    }
    let wide = at(&sb, 80, &["list", "--wide"]);
    assert!(!wide.contains('…'), "{wide}");
    let statements = column(&wide, 1);
    assert_eq!(
        statements[0],
        "a precision strike on a staging point used by hostile armed formations"
    );
    assert_eq!(
        column(&wide, 2)[2],
        "a senior Orvenian official via The Meridian Courier"
    );
}

#[test]
fn log_fits_and_names_the_leaf_hash_as_audit_does() {
    let sb = desk();
    let narrow = at(&sb, 80, &["log"]);
    assert_fits("log", &narrow, 80);
    let wide = at(&sb, 120, &["log"]);
    assert_fits("log", &wide, 120);
    assert!(wide.lines().nth(1).unwrap().contains("leaf hash"), "{wide}");
    // The prefix `log` shows is the start of the leaf hash `audit` shows for that entry.
    let entries = sb.json(&["log"]);
    let audit = sb.json(&["audit", "C1"]);
    let entry = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "claim.add")
        .unwrap();
    let seq = entry["seq"].as_i64().unwrap();
    let logged = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"].as_i64() == Some(seq))
        .unwrap();
    assert_eq!(logged["leaf_hash"], entry["leaf_hash"]);
    let prefix = &logged["leaf_hash"].as_str().unwrap()[..8];
    assert!(wide.contains(prefix), "{wide}");
    let text = sb.ok(&["audit", "C1"]);
    assert!(text.contains(prefix), "{text}");
}

//! The README's quick start, pasted as written, still prints the table the README shows.

use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The first fenced block after `marker`.
fn block_after(text: &str, marker: &str) -> String {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("README lost {marker:?}"));
    let rest = &text[at..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn the_quick_start_prints_what_the_readme_shows() {
    let text = readme();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let script = block_after(&text, "paste this in the repository root")
        .replace("/tmp/desk.db", db.to_str().unwrap());
    let bin = assert_cmd::cargo::cargo_bin("claimledger");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        Command::new(args[0])
            .args(&args[1..])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PATH", &path)
            .env("COLUMNS", "120")
            .env("NO_COLOR", "1")
            .env("CLAIMLEDGER_USER", "tester")
            .env("CLAIMLEDGER_DB", &db)
            .output()
            .unwrap()
    };
    let out = run(&["bash", "-e", "-c", &script]);
    assert!(out.status.success(), "the quick start failed: {out:?}");
    let list = run(&["claimledger", "list"]);
    assert!(list.status.success(), "{list:?}");
    let shown = block_after(&text, "`list` prints the status table");
    assert_eq!(String::from_utf8(list.stdout).unwrap(), shown);
}

//! What the publishing tests share: the tools they need (each installed by a script in
//! scripts/deps/, and a test fails naming it when the tool is missing), the offline JSON-LD
//! contexts in ../shared/contexts, and a ledger with claims of every shape.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::Sandbox;

/// The folder of offline JSON-LD contexts and vocabularies (../shared/contexts).
pub fn contexts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/contexts");
    assert!(
        dir.join("schemaorg-context.jsonld").exists() && dir.join("anno.jsonld").exists(),
        "../shared/contexts (the offline schema.org and Web Annotation contexts) is absent at {}; \
         these tests need it",
        dir.display()
    );
    dir
}

/// Fails the test, naming the script that installs it, unless python3 can import `module`.
pub fn require_python(module: &str, script: &str) {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "python3 module '{module}' is missing: run `bash scripts/deps/{script}` (or scripts/test.sh)"
    );
}

/// Fails the test, naming the script that installs it, unless `program VERSION_FLAG` runs.
pub fn require_program(program: &str, version_flag: &str, script: &str) {
    let ok = Command::new(program)
        .arg(version_flag)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "'{program}' is missing: run `bash scripts/deps/{script}` (or scripts/test.sh)"
    );
}

/// Runs one of the checkers in tests/tools/ with python3.
pub fn python(script: &str, args: &[&str]) -> Output {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools")
        .join(script);
    Command::new("python3")
        .arg(path)
        .args(args)
        .output()
        .expect("python3 runs")
}

/// Runs a checker that must succeed; returns its stdout parsed as JSON.
pub fn python_ok(script: &str, args: &[&str]) -> serde_json::Value {
    let out = python(script, args);
    assert!(
        out.status.success(),
        "{script} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("checker prints JSON")
}

/// A ledger with claims of every shape: an organisation's claim denied by another party
/// with a note, an unnamed source relayed through two outlets, a person's claim with a
/// long statement and a date said, a claim with no status, and a ledger-defined status.
/// The article has astral emoji before every quote. Returns the source's SHA-256.
pub fn newsroom(sb: &Sandbox) -> String {
    let src = sb.json(&[
        "source",
        "add",
        &sb.file("harbour.txt", HARBOUR),
        "--title",
        "Ferry pier fire",
        "--publisher",
        "Coastline Post",
        "--url",
        "https://coastline.example/pier",
        "--published",
        "2026-03-02",
    ])["sha256"]
        .as_str()
        .expect("sha256")
        .to_string();
    sb.ok(&[
        "party",
        "add",
        "Port Authority of Keswin",
        "--kind",
        "government",
        "--alias",
        "the authority",
    ]);
    sb.ok(&["party", "add", "Mira Odell", "--kind", "person"]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        "the authority",
        "--quote",
        "the fire was started by a faulty generator",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        "a dock worker",
        "--via",
        "Harbour Radio",
        "--via",
        "The Evening Lamp",
        "--quote",
        "the alarms had been switched off for a week",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        "Mira Odell",
        "--said",
        "2026-03-01",
        "--statement",
        LONG_STATEMENT,
        "--quote",
        "failed its last two inspections",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        "the authority",
        "--quote",
        "no passengers were on board",
    ]);
    sb.ok(&[
        "status",
        "define",
        "mostly-false",
        "--label",
        "mostly false",
        "--rating",
        "Mostly False",
    ]);
    sb.ok(&[
        "status",
        "set",
        "C1",
        "denied",
        "--by",
        "Fire Service of Keswin",
        "--note",
        "chief's statement, 3 March",
    ]);
    sb.ok(&["status", "set", "C2", "unconfirmed"]);
    sb.ok(&["status", "set", "C3", "mostly-false"]);
    src
}

/// The fictional article of [`newsroom`]: astral emoji (4 bytes, 2 UTF-16 units each) and
/// a flag (two regional indicators) before each quote.
pub const HARBOUR: &str = "KESWIN — 🔥🚒 Fire tore through the ferry pier overnight.\n\n\
🇰🇼 The Port Authority said the fire was started by a faulty generator and that no passengers were on board.\n\n\
📻 A dock worker told Harbour Radio, in an interview later carried by The Evening Lamp, that the alarms had been switched off for a week. 🧯\n\n\
👩🏽‍🔧 Engineer Mira Odell said the sprinkler system \"failed its last two inspections\" and was never repaired.\n";

/// C3's statement, longer than the 75 characters Google shows.
pub const LONG_STATEMENT: &str =
    "The pier's sprinkler system had failed its last two inspections and nobody repaired it";

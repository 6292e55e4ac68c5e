//! Stored text from strangers reaches a terminal harmlessly, a spreadsheet as data, and
//! names stay one line; output failures never panic and never claim "nothing written"
//! after a commit (exit code 4).

mod common;

use std::process::{Command, Stdio};

use common::Sandbox;

/// A title, statement or note an attacker wrote: sets the window title, rings, clears the
/// screen, overwrites with CR and backspace, and reverses what follows.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2JEvil\rParty\u{8}\u{202E}desrever\u{2066}";

/// Characters that must never reach a terminal raw.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || ('\u{202A}'..='\u{202E}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

fn assert_harmless(what: &str, text: &str) {
    let raw = raw_controls(text);
    assert!(raw.is_empty(), "{what}: raw controls {raw:?} in: {text}");
}

/// A ledger whose statement, source title, source text, status note and status label are
/// hostile.
fn hostile_ledger() -> Sandbox {
    let sb = Sandbox::new();
    let text = format!("Officials said the bridge held. {HOSTILE} And the road was open.\n");
    let path = sb.file("hostile.txt", &text);
    sb.ok(&[
        "source",
        "add",
        &path,
        "--title",
        HOSTILE,
        "--publisher",
        HOSTILE,
    ]);
    let doc = sb.json(&["source", "list"])[0]["document"]
        .as_str()
        .unwrap()
        .to_string();
    let src = format!("{doc}@latest");
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--quote",
        "the bridge held",
        "--claimant",
        "Officials",
        "--statement",
        HOSTILE,
    ]);
    sb.ok(&[
        "status",
        "define",
        "odd",
        "--label",
        &format!("odd {HOSTILE}"),
    ]);
    sb.ok(&["status", "set", "C1", "odd", "--note", HOSTILE]);
    sb
}

#[test]
fn stored_controls_are_shown_escaped_in_every_human_output() {
    let sb = hostile_ledger();
    let doc = sb.json(&["source", "list"])[0]["document"]
        .as_str()
        .unwrap()
        .to_string();
    let src = format!("{doc}@1");
    for args in [
        vec!["list"],
        vec!["audit", "C1"],
        vec!["party", "list"],
        vec!["party", "show", "Officials"],
        vec!["log"],
        vec!["summary"],
        vec!["source", "list"],
        vec!["source", "show", &src],
        vec!["source", "show", &src, "--text"],
        vec!["status", "list"],
    ] {
        for columns in [None, Some("80")] {
            let mut cmd = sb.cmd(&args);
            if let Some(c) = columns {
                cmd.env("COLUMNS", c);
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{args:?}: {out:?}");
            let stdout = String::from_utf8(out.stdout).unwrap();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_harmless(&format!("{args:?} stdout"), &stdout);
            assert_harmless(&format!("{args:?} stderr"), &stderr);
        }
    }
    // Shown, not dropped: the escapes name the code points.
    let audit = sb.ok(&["audit", "C1"]);
    assert!(audit.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2JEvil\\u{d}Party\\u{8}\\u{202e}"));
    let text = sb.ok(&["source", "show", &src, "--text"]);
    assert!(text.contains("\\u{1b}[2J"), "{text}");
}

#[test]
fn json_keeps_the_exact_text() {
    let sb = hostile_ledger();
    let list = sb.json(&["list"]);
    assert_eq!(list[0]["statement"], HOSTILE);
    let audit = sb.json(&["audit", "C1"]);
    assert_eq!(audit["history"][0]["note"], HOSTILE);
    let sources = sb.json(&["source", "list"]);
    assert_eq!(sources[0]["title"], HOSTILE);
}

#[test]
fn error_messages_that_echo_input_are_escaped() {
    let sb = Sandbox::new();
    // Our own message (the claim id is echoed) and clap's (an unknown argument).
    for args in [
        vec!["audit", "C1\u{1b}[2J\u{7}"],
        vec!["log", "--limit", "x\u{7}\ry\u{1b}[2J"],
        vec!["source", "show", "\u{1b}[31mdoc@1"],
    ] {
        let out = sb.cmd(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
        assert_harmless(&format!("{args:?}"), &stderr);
        assert!(stderr.contains("\\u{"), "{args:?}: {stderr}");
    }
}

#[test]
fn csv_cells_never_start_a_formula() {
    let sb = Sandbox::new();
    let text = "The mayor said =1+2 and @SUM(A1) and -3 and +4 happened.\n";
    let path = sb.file("f.txt", text);
    let added = sb.json(&[
        "source",
        "add",
        &path,
        "--title",
        "=HYPERLINK(\"http://x\")",
    ]);
    let source = added["sha256"].as_str().unwrap().to_string();
    for (i, (quote, statement)) in [
        ("=1+2", "=1+2"),
        ("@SUM(A1)", "@SUM(A1)"),
        ("-3", "-3"),
        ("+4", "+4"),
        ("happened", "\tcmd"),
    ]
    .iter()
    .enumerate()
    {
        let claimant = format!("Mayor {i}");
        sb.ok(&[
            "claim",
            "add",
            "--source",
            &source,
            &format!("--quote={quote}"),
            "--claimant",
            &claimant,
            &format!("--statement={statement}"),
        ]);
    }
    let list = sb.ok(&["list", "--csv"]);
    let mut reader = csv::Reader::from_reader(list.as_bytes());
    let statements: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(statements, ["'=1+2", "'@SUM(A1)", "'-3", "'+4", "'\tcmd"]);
    let sources = sb.ok(&["source", "list", "--csv"]);
    assert!(sources.contains("'=HYPERLINK"), "{sources}");
    // JSON stays exact.
    assert_eq!(sb.json(&["list"])[0]["statement"], "=1+2");
}

#[test]
fn names_and_as_refuse_line_breaks_and_controls() {
    let sb = sandbox_with_source();
    sb.refuses(&["party", "add", "Evil\nParty"], "a line break (U+000A)");
    sb.refuses(&["party", "add", "\u{1b}]0;pwned\u{7}Evil"], "U+001B");
    sb.refuses(&["party", "add", "Evil\u{202E}"], "U+202E");
    sb.ok(&["party", "add", "Officials"]);
    sb.refuses(&["party", "alias", "Officials", "Off\ricials"], "U+000D");
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            "bridge-report@latest",
            "--quote",
            "the bridge held",
            "--claimant",
            "Mayor\u{8}",
        ],
        "the control character U+0008",
    );
    let before = sb.snapshot();
    let err = sb.fails(&["--as", "eve\nmallory", "party", "add", "X"], 2);
    assert!(err.contains("--as") && err.contains("line break"), "{err}");
    let err = sb.fails(&["--as", "eve\u{1b}[2J", "party", "add", "X"], 2);
    assert!(err.contains("U+001B"), "{err}");
    assert_harmless("--as error", &err);
    assert_eq!(before, sb.snapshot());
}

fn bin() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("claimledger"));
    cmd.env_remove("CLAIMLEDGER_DB")
        .env_remove("COLUMNS")
        .env("CLAIMLEDGER_USER", "tester")
        .env("NO_COLOR", "1");
    cmd
}

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists (Linux)"),
    )
}

/// A ledger with one source, the document "bridge-report" (named after its title).
fn sandbox_with_source() -> Sandbox {
    let sb = Sandbox::new();
    let path = sb.file("a.txt", "Officials said the bridge held.\n");
    sb.ok(&["source", "add", &path, "--title", "Bridge report"]);
    sb
}

#[test]
fn a_full_stdout_after_a_commit_says_recorded_and_exits_4() {
    let sb = sandbox_with_source();
    let out = bin()
        .arg("--db")
        .arg(&sb.db)
        .args([
            "claim",
            "add",
            "--source",
            "bridge-report@latest",
            "--quote",
            "the bridge held",
            "--claimant",
            "Officials",
        ])
        .stdout(dev_full())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("recorded C1, but could not print the result:"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // It is recorded: a script that sees 4 must not retry.
    assert_eq!(sb.count("SELECT count(*) FROM claims"), 1);
    // A read that cannot print wrote nothing: exit 1, as before.
    let out = bin()
        .arg("--db")
        .arg(&sb.db)
        .arg("list")
        .stdout(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write to standard output"));
}

#[test]
fn a_bundle_written_to_disk_is_not_reported_as_nothing_written() {
    let sb = sandbox_with_source();
    let dir = sb.dir.path().join("bundle");
    let out = bin()
        .arg("--db")
        .arg(&sb.db)
        .args(["export", "bundle"])
        .arg(&dir)
        .stdout(dev_full())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("recorded the bundle in") && stderr.contains("could not print the result"),
        "{stderr}"
    );
    // The bundle is complete: it imports into an empty ledger.
    let copy = Sandbox::empty();
    copy.ok(&["import", "bundle", &dir.display().to_string()]);
    assert_eq!(copy.count("SELECT count(*) FROM sources"), 1);
}

#[test]
fn a_full_or_closed_stderr_never_panics() {
    let sb = sandbox_with_source();
    // A note (stored ... as ...) to a full stderr: the source is stored, exit 0.
    let path = sb.file("b.txt", "Another text.\n");
    let out = bin()
        .arg("--db")
        .arg(&sb.db)
        .args(["source", "add", &path])
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(sb.count("SELECT count(*) FROM sources"), 2);
    // An error to a full stderr: still exit 1, not 101.
    let out = bin()
        .arg("--db")
        .arg(&sb.db)
        .args(["audit", "C9"])
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // A usage error from clap to a full stderr: exit 2.
    let out = bin()
        .args(["list", "--bogus"])
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // `... 2>&1 | head -1` on a multi-line error: the reader is gone before we write.
    let mut child = bin()
        .arg("--db")
        .arg(&sb.db)
        .args(["source", "show", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn color_always_wins_over_no_color() {
    let sb = sandbox_with_source();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        "bridge-report@latest",
        "--quote",
        "the bridge held",
        "--claimant",
        "Officials",
        "--status",
        "confirmed",
    ]);
    // NO_COLOR=1 is set by the sandbox; --color always is the more specific word.
    let out = sb.ok(&["list", "--color", "always"]);
    assert!(out.contains("\u{1b}[38;5;10m"), "{out:?}");
    assert!(!out.contains("\u{1b}[m"), "bare SGR reset: {out:?}");
    let audit = sb.ok(&["audit", "C1", "--color", "always"]);
    assert!(audit.contains("\u{1b}[1mC1\u{1b}[0m"), "{audit:?}");
    // Without the flag NO_COLOR holds.
    assert!(!sb.ok(&["list"]).contains('\u{1b}'));
    assert!(!sb.ok(&["audit", "C1"]).contains('\u{1b}'));
}

#[test]
fn json_and_exports_on_stdout_are_exact_json_with_no_raw_controls() {
    let sb = hostile_ledger();
    // C1 controls and DEL, which serde_json leaves raw, as well as the bidi controls.
    let extra = "c1\u{9b}31m del\u{7f} \u{202E}x";
    sb.ok(&[
        "claim",
        "amend",
        "C1",
        "--statement",
        extra,
        "--reason",
        "r",
    ]);
    let site = ["--publisher", "Desk", "--site", "https://desk.example"];
    for args in [
        vec!["list", "--json"],
        vec!["audit", "C1", "--json"],
        vec!["export", "claimreview", site[0], site[1], site[2], site[3]],
        vec!["export", "annotations"],
        vec!["export", "prov"],
    ] {
        let out = sb.cmd(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_harmless(&format!("{args:?}"), &stdout);
        let value: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {stdout}"));
        let all = value.to_string();
        assert!(
            all.contains(serde_json::to_string(extra).unwrap().trim_matches('"')),
            "{args:?} lost the exact statement: {stdout}"
        );
    }
    let review: serde_json::Value = serde_json::from_str(&sb.ok(&[
        "export",
        "claimreview",
        site[0],
        site[1],
        site[2],
        site[3],
    ]))
    .unwrap();
    assert_eq!(review[0]["claimReviewed"], extra);
}

//! Bad input: each gets a one-line error that says what was wrong and what to do, the exit
//! code of SPEC §4, and leaves the ledger exactly as it was.

mod common;

use common::{ARTICLE_V1, Sandbox, snapshot};
use sha2::{Digest, Sha256};

const STRIKE: &str = "had destroyed at least 40\u{a0}enemy fighters";

fn with_claim() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let sha = sb.add_source("report-v1.txt", ARTICLE_V1);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        STRIKE,
        "--claimant",
        "Orvenian MoD",
    ]);
    (sb, sha)
}

#[test]
fn a_missing_ledger() {
    let sb = Sandbox::empty();
    let stderr = sb.fails(&["list"], 1);
    assert!(stderr.starts_with("error: no ledger at "), "{stderr}");
    assert!(stderr.contains("claimledger init"), "{stderr}");
    assert!(!sb.db.exists(), "a failed command must not create a ledger");
}

#[test]
fn a_ledger_that_already_exists() {
    let (sb, _) = with_claim();
    sb.refuses(&["init"], "already exists");
}

#[test]
fn init_over_any_existing_file() {
    let sb = Sandbox::empty();
    std::fs::write(&sb.db, "my notes").unwrap();
    sb.fails(&["init"], 1);
    assert_eq!(std::fs::read_to_string(&sb.db).unwrap(), "my notes");
}

#[test]
fn a_file_that_is_not_a_ledger() {
    let sb = Sandbox::empty();
    std::fs::write(
        &sb.db,
        "not a database at all, just text that is long enough",
    )
    .unwrap();
    let stderr = sb.fails(&["list"], 1);
    assert!(stderr.contains("is not a claimledger ledger"), "{stderr}");
    // An SQLite database of another program is refused too.
    let other = sb.dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = snapshot(&other);
    let out = sb.cmd(&["list"]).arg("--db").arg(&other).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("application id"));
    assert_eq!(before, snapshot(&other));
}

#[test]
fn an_unknown_source_prefix() {
    let (sb, _) = with_claim();
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            "abcdef",
            "--quote",
            "x",
            "--claimant",
            "someone",
        ],
        "source 'abcdef' not found",
    );
    assert!(stderr.contains("source list"), "{stderr}");
    sb.refuses(&["source", "show", "nosuchdoc@latest"], "not found");
}

#[test]
fn a_prefix_that_is_too_short() {
    let (sb, sha) = with_claim();
    sb.refuses(&["source", "show", &sha[..4]], "at least 6 hex digits");
}

#[test]
fn an_ambiguous_prefix() {
    let sb = Sandbox::new();
    // Find two contents whose SHA-256 share the first 6 hex digits (a birthday search).
    let mut seen = std::collections::HashMap::new();
    let (a, b) = (0u64..)
        .find_map(|i| {
            let text = format!("capture {i}");
            let prefix = hex::encode(Sha256::digest(text.as_bytes()))[..6].to_string();
            seen.insert(prefix, text.clone()).map(|other| (other, text))
        })
        .unwrap();
    let sha_a = sb.add_source("a.txt", &a);
    let sha_b = sb.add_source("b.txt", &b);
    assert_eq!(sha_a[..6], sha_b[..6]);
    let stderr = sb.refuses(&["source", "show", &sha_a[..6]], "ambiguous");
    assert!(
        stderr.contains(&sha_a) && stderr.contains(&sha_b),
        "lists both: {stderr}"
    );
    assert!(stderr.contains("more hex digits"), "{stderr}");
}

#[test]
fn a_quote_not_in_the_source() {
    let (sb, sha) = with_claim();
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "a quote nobody wrote",
            "--claimant",
            "Brand New Party",
        ],
        "the quote was not found in source",
    );
    assert!(stderr.contains("--text"), "says how to check: {stderr}");
    // The claimant named for the first time was not created either.
    assert!(!sb.ok(&["party", "list"]).contains("Brand New Party"));
}

#[test]
fn a_quote_found_twice_without_occurrence() {
    let (sb, sha) = with_claim();
    let quote = "a civilian bridge used by farmers and schoolchildren";
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            quote,
            "--claimant",
            "Kastellan",
        ],
        "the quote occurs 2 times",
    );
    assert!(stderr.contains("--occurrence 1: line 3:"), "{stderr}");
    assert!(stderr.contains("--occurrence 2: line 9:"), "{stderr}");
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            quote,
            "--claimant",
            "Kastellan",
            "--occurrence",
            "3",
        ],
        "--occurrence 3 is out of range",
    );
}

#[test]
fn an_empty_quote() {
    let (sb, sha) = with_claim();
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "  ",
            "--claimant",
            "x",
        ],
        "the quote is empty",
    );
}

#[test]
fn an_unknown_claim() {
    let (sb, _) = with_claim();
    sb.refuses(
        &["status", "set", "C99", "confirmed"],
        "claim 'C99' not found",
    );
    sb.refuses(&["audit", "C99"], "claim 'C99' not found");
    sb.refuses(&["audit", "bogus"], "claim 'bogus' not found");
}

#[test]
fn an_unknown_status() {
    let (sb, _) = with_claim();
    let stderr = sb.refuses(
        &["status", "set", "C1", "probably"],
        "unknown status 'probably'",
    );
    assert!(
        stderr.contains("unverified, unconfirmed, confirmed"),
        "lists the known ones: {stderr}"
    );
    sb.refuses(&["list", "--status", "probably"], "unknown status");
}

#[test]
fn denied_without_by() {
    let (sb, sha) = with_claim();
    sb.refuses(
        &["status", "set", "C1", "denied"],
        "needs a party: say who with --by",
    );
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "Three civilians",
            "--claimant",
            "council",
            "--status",
            "denied",
        ],
        "needs a party",
    );
}

#[test]
fn a_quote_into_a_non_utf8_source() {
    let sb = Sandbox::new();
    let latin1 = b"Caf\xe9 owner said the bridge was hit twice.";
    let path = sb.file("latin1.txt", latin1);
    let added = sb.json(&["source", "add", &path]);
    assert_eq!(added["is_text"], false);
    let sha = added["sha256"].as_str().unwrap().to_string();
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "the bridge was hit twice",
            "--claimant",
            "owner",
        ],
        "not UTF-8 text; quotes can only be anchored in text",
    );
    sb.refuses(&["source", "show", &sha, "--text"], "not UTF-8 text");
}

#[test]
fn an_empty_file() {
    let sb = Sandbox::new();
    let path = sb.file("empty.txt", "");
    sb.refuses(&["source", "add", &path], "is empty");
}

#[test]
fn a_directory_given_as_a_file() {
    let sb = Sandbox::new();
    let dir = sb.dir.path().join("captures");
    std::fs::create_dir(&dir).unwrap();
    sb.refuses(&["source", "add", dir.to_str().unwrap()], "is a directory");
}

#[test]
fn a_missing_file() {
    let sb = Sandbox::new();
    sb.refuses(
        &["source", "add", "no-such-file.txt"],
        "cannot read no-such-file.txt",
    );
}

#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let path = sb.file("secret.txt", "a source the user may not read");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything, so as root run the binary as an unprivileged user (setpriv);
    // otherwise the file's mode is enough.
    let is_root = std::fs::read(&path).is_ok();
    let mut cmd = if is_root {
        for p in [sb.dir.path().to_path_buf(), sb.db.clone()] {
            let mode = if p.is_dir() { 0o777 } else { 0o666 };
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let mut c = assert_cmd::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("claimledger"));
        c
    } else {
        assert_cmd::Command::cargo_bin("claimledger").unwrap()
    };
    let before = sb.snapshot();
    let out = cmd
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(&sb.db)
        .args(["source", "add", &path])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot read "), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(before, sb.snapshot());
}

#[test]
fn a_malformed_date() {
    let (sb, sha) = with_claim();
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "Three civilians",
            "--claimant",
            "council",
            "--said",
            "2026-13-45",
        ],
        "invalid --said '2026-13-45'",
    );
    assert!(stderr.contains("no such day"), "{stderr}");
    let path = sb.file("v.txt", "another capture");
    let stderr = sb.refuses(
        &["source", "add", &path, "--published", "last Tuesday"],
        "invalid --published",
    );
    assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
    sb.refuses(
        &["source", "add", &path, "--captured", "2026-02-30"],
        "invalid --captured",
    );
}

#[test]
fn a_newer_schema_version() {
    let (sb, _) = with_claim();
    sb.sql().pragma_update(None, "user_version", 99).unwrap();
    let stderr = sb.refuses(
        &["list"],
        "schema version 99, newer than this claimledger understands",
    );
    assert!(stderr.contains("upgrade claimledger"), "{stderr}");
    sb.refuses(
        &["status", "set", "C1", "confirmed"],
        "newer than this claimledger",
    );
}

#[test]
fn a_name_that_belongs_to_another_party() {
    let (sb, _) = with_claim();
    sb.ok(&["party", "add", "Valtrane", "--kind", "government"]);
    sb.refuses(
        &["party", "alias", "Valtrane", "ORVENIAN mod"],
        "already belongs to Orvenian MoD",
    );
    sb.refuses(&["party", "add", "valtrane"], "already belongs to Valtrane");
    sb.refuses(
        &["party", "alias", "Nobody", "X"],
        "party 'Nobody' not found",
    );
    sb.refuses(
        &["party", "add", "Someone", "--kind", "alien"],
        "unknown party kind 'alien'",
    );
    sb.refuses(
        &["list", "--claimant", "Nobody"],
        "party 'Nobody' not found",
    );
}

#[test]
fn a_claimant_that_is_also_its_own_conduit() {
    let (sb, sha) = with_claim();
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "Three civilians",
            "--claimant",
            "Orvenian MoD",
            "--via",
            "orvenian mod",
        ],
        "cannot also be a conduit",
    );
}

#[test]
fn citing_the_same_passage_twice() {
    let (sb, sha) = with_claim();
    sb.refuses(
        &["claim", "cite", "C1", "--source", &sha, "--quote", STRIKE],
        "already has that appearance",
    );
}

#[test]
fn a_version_a_document_does_not_have() {
    let (sb, _) = with_claim();
    sb.refuses(
        &["source", "show", "report-v1@2"],
        "has 1 version(s), so it has no version 2",
    );
    sb.refuses(&["source", "show", "report-v1@0"], "DOC@N");
}

#[test]
fn usage_errors_exit_2() {
    let (sb, sha) = with_claim();
    let before = sb.snapshot();
    // --by only makes sense with --status.
    sb.fails(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "x",
            "--claimant",
            "y",
            "--by",
            "z",
        ],
        2,
    );
    sb.fails(&["claim", "add", "--source", &sha], 2);
    sb.fails(&["frobnicate"], 2);
    sb.fails(&["log", "--limit", "-3"], 2);
    assert_eq!(before, sb.snapshot());
}

#[test]
fn a_quote_found_thousands_of_times_lists_only_the_first_few() {
    let sb = Sandbox::new();
    let text = "the bridge held and the town slept. ".repeat(2500);
    let sha = sb.add_source("long.txt", text);
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "the",
            "--claimant",
            "x",
        ],
        "the quote occurs 5000 times",
    );
    assert!(stderr.contains("--occurrence 10: line 1:"), "{stderr}");
    assert!(!stderr.contains("--occurrence 11:"), "{stderr}");
    assert!(stderr.contains("… and 4990 more"), "{stderr}");
    assert!(stderr.lines().count() < 15, "{stderr}");
}

#[test]
fn an_empty_url() {
    let sb = Sandbox::new();
    sb.add_source("first.txt", "The first report.");
    let path = sb.file("second.txt", "An unrelated report.");
    sb.refuses(&["source", "add", &path, "--url", ""], "the URL is empty");
    sb.refuses(
        &["source", "add", &path, "--url", "   "],
        "the URL is empty",
    );
    // A blank title is no title.
    let added = sb.json(&["source", "add", &path, "--title", "  "]);
    assert_eq!(added["document"], "second");
}

#[test]
fn status_set_arguments_in_the_wrong_shape_are_usage_errors() {
    let (sb, _) = with_claim();
    let before = sb.snapshot();
    let stderr = sb.fails(&["status", "set", "C1"], 2);
    assert!(
        stderr.contains("give the claims and then the status"),
        "{stderr}"
    );
    let stderr = sb.fails(&["status", "set", "confirmed", "C1"], 2);
    assert!(
        stderr.contains(
            "the status comes last, after the claims: claimledger status set C1 confirmed"
        ),
        "{stderr}"
    );
    let stderr = sb.fails(&["status", "set", "--all-matching", "confirmed"], 2);
    assert!(stderr.contains("needs at least one filter"), "{stderr}");
    assert_eq!(before, sb.snapshot());
}

#[test]
fn a_day_that_does_not_exist() {
    let (sb, sha) = with_claim();
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "Three civilians",
            "--claimant",
            "x",
            "--said",
            "2023-02-29",
        ],
        "invalid --said '2023-02-29': there is no such day",
    );
}

#[test]
fn init_into_a_folder_that_does_not_exist() {
    let sb = Sandbox::empty();
    let path = sb.dir.path().join("no/such/folder/ledger.db");
    let out = sb.cmd(&["init"]).arg("--db").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot create a ledger at "),
        "{stderr}"
    );
    assert!(stderr.contains("check that the folder exists"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn two_inits_racing_for_one_path_leave_one_good_ledger() {
    for _ in 0..8 {
        let sb = Sandbox::empty();
        let spawn = || {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("claimledger"))
                .arg("--db")
                .arg(&sb.db)
                .arg("init")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let codes =
            [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()].map(|o| o.status.code());
        let mut sorted = codes;
        sorted.sort();
        assert_eq!(sorted, [Some(0), Some(1)], "exactly one init wins");
        sb.ok(&["verify"]);
    }
}

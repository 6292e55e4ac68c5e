//! Storage faults: each says what happened and what to do, and leaves the ledger as it was.
//!
//! Some tests use strace (installed by scripts/deps/strace.sh) to kill a process or make a
//! system call fail at an exact moment, and util-linux's `setpriv` (to run as an
//! unprivileged user when the tests run as root) and `unshare` (a read-only mount in a
//! private user and mount namespace).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::Sandbox;

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("claimledger")
}

fn need(tool: &str, script: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "{tool} is missing: run `bash scripts/deps/{script}`");
}

/// Runs claimledger on `db` under a wrapper command (strace, setpriv, unshare ...).
fn wrapped(wrapper: &[&str], db: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(wrapper[0]);
    cmd.args(&wrapper[1..])
        .arg(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("CLAIMLEDGER_USER", "tester")
        .env("NO_COLOR", "1")
        .env_remove("CLAIMLEDGER_DB");
    cmd.output().expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A wrapper that runs the program as an unprivileged user: as itself when it already is
/// one, as `nobody` (via setpriv) when the tests run as root.
fn unprivileged() -> Vec<&'static str> {
    let uid = Command::new("id").arg("-u").output().expect("id");
    if text(&uid.stdout).trim() == "0" {
        need("setpriv", "README.md (util-linux)");
        vec![
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
    } else {
        vec!["env"]
    }
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A sandbox whose folder an unprivileged user can enter, with a party and a source in it.
fn shared_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.ok(&["party", "add", "Ministry of Harbours"]);
    sb.add_source("a.txt", common::ARTICLE_V1);
    chmod(sb.dir.path(), 0o777);
    chmod(&sb.db, 0o666);
    sb
}

// ------------------------------------------------------------------ init

#[test]
fn a_killed_init_leaves_nothing_in_the_way() {
    need("strace", "strace.sh");
    let sb = Sandbox::empty();
    // Killed at its first fsync: the ledger was being written.
    for when in ["1", "2", "3"] {
        let out = wrapped(
            &[
                "strace",
                "-f",
                "-o",
                "/dev/null",
                "-e",
                "trace=fsync,fdatasync",
                "-e",
                &format!("inject=fsync,fdatasync:signal=KILL:when={when}"),
            ],
            &sb.db,
            &["init", "--origin", "test.example/ledger"],
        );
        assert!(!out.status.success(), "init was not killed: {out:?}");
        assert!(!sb.db.exists(), "a killed init left {}", sb.db.display());
    }
    sb.ok(&["init", "--origin", "test.example/ledger"]);
    assert!(sb.db.exists(), "the next init made no ledger");
    sb.ok(&["verify"]);
    // What the killed runs left is hidden and does not count as a ledger.
    let names: Vec<String> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| n == "ledger.db"
            || n.starts_with(".ledger.db.init-")
            || n.starts_with("ledger.db-")),
        "{names:?}"
    );
}

#[test]
fn init_makes_a_plain_file_with_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let meta = std::fs::metadata(&sb.db).unwrap();
    assert!(meta.is_file());
    // Group and others may read, as with any file the user creates (umask 022 or 002).
    assert_eq!(
        meta.permissions().mode() & 0o044,
        0o044,
        "{:o}",
        meta.permissions().mode()
    );
    sb.refuses(&["init"], "already exists");
}

// ------------------------------------------------------------------ what --db is

#[test]
fn a_fifo_or_a_device_as_db_is_refused_at_once() {
    let sb = Sandbox::empty();
    let fifo = sb.dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for db in [fifo.as_path(), Path::new("/dev/null")] {
        let out = assert_cmd::Command::new(bin())
            .arg("--db")
            .arg(db)
            .arg("list")
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{db:?}: {stderr}");
        assert!(stderr.contains("is not a claimledger ledger"), "{stderr}");
        assert!(
            stderr.contains("FIFO") || stderr.contains("device"),
            "{stderr}"
        );
    }
}

#[test]
fn a_file_with_our_application_id_but_no_tables_is_called_damaged() {
    let sb = Sandbox::empty();
    let conn = rusqlite::Connection::open(&sb.db).unwrap();
    conn.execute_batch(
        "PRAGMA application_id = 1129071948; PRAGMA user_version = 5; CREATE TABLE t (a);",
    )
    .unwrap();
    drop(conn);
    let stderr = sb.fails(&["list"], 1);
    assert!(stderr.contains("is damaged"), "{stderr}");
    assert!(stderr.contains("no journal table"), "{stderr}");
    let stderr = sb.fails(&["verify"], 3);
    assert!(stderr.contains("is damaged"), "{stderr}");
}

#[test]
fn a_truncated_ledger_is_damaged_and_verify_exits_3() {
    let sb = shared_sandbox();
    let len = std::fs::metadata(&sb.db).unwrap().len();
    for keep in [len / 3, 40] {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&sb.db)
            .unwrap();
        f.set_len(keep).unwrap();
        drop(f);
        let stderr = sb.fails(&["verify"], 3);
        assert!(stderr.contains("is damaged"), "{keep}: {stderr}");
        assert!(stderr.contains("restore it from a backup"), "{stderr}");
        let stderr = sb.fails(&["list"], 1);
        assert!(stderr.contains("is damaged"), "{keep}: {stderr}");
    }
}

#[test]
fn a_lowered_user_version_is_one_line_not_an_sql_dump() {
    let sb = shared_sandbox();
    sb.sql().execute_batch("PRAGMA user_version = 3").unwrap();
    let before = sb.snapshot();
    let stderr = sb.fails(&["list"], 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("says it has schema version 3"), "{stderr}");
    assert!(stderr.contains("changed by hand"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "PRAGMA user_version = {}",
            claimledger::store::migrate::SCHEMA_VERSION
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("CREATE") && !stderr.contains("ALTER"),
        "{stderr}"
    );
    assert_eq!(before, sb.snapshot());
}

// ------------------------------------------------------------------ full disk, unwritable folder

#[test]
fn a_full_disk_says_so() {
    need("strace", "strace.sh");
    let sb = shared_sandbox();
    let before = sb.snapshot();
    // The 12th pwrite64 is a page of the write-ahead log (the first ones size its index).
    let out = wrapped(
        &[
            "strace",
            "-f",
            "-o",
            "/dev/null",
            "-e",
            "trace=pwrite64",
            "-e",
            "inject=pwrite64:error=ENOSPC:when=12+",
        ],
        &sb.db,
        &["party", "add", "Port Authority"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is full"), "{stderr}");
    assert!(stderr.contains("free some space"), "{stderr}");
    assert_eq!(before, sb.snapshot());
    sb.ok(&["verify"]);
}

#[test]
fn a_folder_you_cannot_write_is_named() {
    let sb = shared_sandbox();
    chmod(sb.dir.path(), 0o555);
    let out = wrapped(&unprivileged(), &sb.db, &["party", "add", "Port Authority"]);
    chmod(sb.dir.path(), 0o777);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("can only be read"), "{stderr}");
    assert!(
        stderr.contains("may not create files in its folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("readonly database"), "{stderr}");
    assert_eq!(sb.count("SELECT count(*) FROM parties"), 1);
}

// ------------------------------------------------------------------ read-only use

/// A shared sandbox with a claim and a checkpoint, so that `audit` and `proof` have work.
fn read_only_sandbox() -> Sandbox {
    let sb = shared_sandbox();
    let sha: String = sb
        .sql()
        .query_row("SELECT sha256 FROM sources", [], |r| r.get(0))
        .unwrap();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        "Three civilians were killed and 11 were injured",
        "--claimant",
        "Ministry of Harbours",
    ]);
    sb.ok(&["checkpoint"]);
    chmod(&sb.db, 0o666);
    sb
}

fn reading_commands_work(wrapper: &[&str], sb: &Sandbox, why: &str) {
    for args in [
        &["list"][..],
        &["audit", "C1"],
        &["proof", "C1"],
        &["log"],
        &["party", "list"],
        &["source", "list"],
        &["summary"],
        &["verify"],
    ] {
        let out = wrapped(wrapper, &sb.db, args);
        assert!(
            out.status.success(),
            "{args:?} on a {why} ledger: {}",
            text(&out.stderr)
        );
    }
    let log = wrapped(wrapper, &sb.db, &["log", "--json"]);
    assert!(text(&log.stdout).contains("party.add"), "{log:?}");
    let out = wrapped(wrapper, &sb.db, &["party", "add", "Port Authority"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("can only be read"), "{stderr}");
    assert!(stderr.contains(why), "{stderr}");
}

#[test]
fn a_mode_444_ledger_in_a_read_only_folder_can_be_read() {
    let sb = read_only_sandbox();
    chmod(&sb.db, 0o444);
    chmod(sb.dir.path(), 0o555);
    reading_commands_work(&unprivileged(), &sb, "may not write its file");
    chmod(sb.dir.path(), 0o777);
    // No side files were left where they could not be.
    assert!(!sb.dir.path().join("ledger.db-wal").exists());
}

#[test]
fn a_ledger_on_a_read_only_mount_can_be_read() {
    need("unshare", "README.md (util-linux)");
    let sb = read_only_sandbox();
    let dir = sb.dir.path().to_str().unwrap().to_string();
    let script = format!("mount -o bind,ro '{dir}' '{dir}' && exec \"$@\"");
    let wrapper = ["unshare", "-rm", "sh", "-c", &script, "sh"];
    reading_commands_work(&wrapper, &sb, "read-only file system");
}

// ------------------------------------------------------------------ checkpoints are the record

fn verify_fails(sb: &Sandbox, expected: &str) -> serde_json::Value {
    let out = sb.cmd(&["verify", "--json"]).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains(expected),
        "expected {expected:?} in {stdout}"
    );
    serde_json::from_str(&stdout).unwrap()
}

fn signed_desk() -> (Sandbox, String) {
    let sb = shared_sandbox();
    let key = sb.dir.path().join("desk.key");
    sb.ok(&["key", "generate", "--out", key.to_str().unwrap()]);
    let signed = sb.ok(&["checkpoint", "--sign", key.to_str().unwrap()]);
    sb.ok(&["party", "add", "Port Authority"]);
    (sb, signed)
}

#[test]
fn a_checkpoint_is_a_journal_entry() {
    let (sb, signed) = signed_desk();
    let (kind, payload): (String, String) = sb
        .sql()
        .query_row(
            "SELECT kind, payload FROM journal WHERE kind = 'checkpoint'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kind, "checkpoint");
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["note"], signed);
    assert_eq!(
        sb.count("SELECT seq FROM checkpoints"),
        sb.count("SELECT seq FROM journal WHERE kind = 'checkpoint'")
    );
    let log = sb.ok(&["log"]);
    assert!(log.contains("checkpoint of 3 entries, signed"), "{log}");
    sb.ok(&["verify"]);
}

#[test]
fn deleting_a_recorded_checkpoint_fails_verify() {
    let (sb, _) = signed_desk();
    sb.sql().execute_batch("DELETE FROM checkpoints").unwrap();
    verify_fails(&sb, "table checkpoints");
}

#[test]
fn a_signed_checkpoint_made_unsigned_fails_verify() {
    let (sb, signed) = signed_desk();
    let unsigned = signed.split("\n\n").next().unwrap().to_string() + "\n";
    sb.sql()
        .execute("UPDATE checkpoints SET note = ?1, key = NULL", [&unsigned])
        .unwrap();
    verify_fails(&sb, "table checkpoints");
}

#[test]
fn verify_counts_the_entries_no_checkpoint_covers() {
    let sb = shared_sandbox();
    // init, party, source: nothing is covered yet.
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("3 entries are not yet covered by any checkpoint"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sb.json(&["verify"])["uncovered"], 3);
    sb.ok(&["checkpoint"]);
    // Only the checkpoint's own entry is after it.
    assert_eq!(sb.json(&["verify"])["uncovered"], 1);
    sb.ok(&["party", "add", "Port Authority"]);
    sb.ok(&["party", "add", "Coast Guard"]);
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert!(
        text(&out.stderr).contains("3 entries are not yet covered by any checkpoint"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sb.json(&["verify"])["uncovered"], 3);
}

#[test]
fn a_checkpoint_recorded_before_version_6_is_entered_into_the_journal() {
    let sb = shared_sandbox();
    let note = sb.ok(&["checkpoint"]);
    // Make it a version-5 ledger: the checkpoint only a row, no entry, no seq column, and
    // none of what later versions add.
    {
        let conn = sb.sql();
        conn.execute_batch(
            "DELETE FROM checkpoints;
             DELETE FROM journal WHERE kind = 'checkpoint';
             ALTER TABLE checkpoints DROP COLUMN seq;",
        )
        .unwrap();
        // The tree of the remaining entries, then the version-5 shape of it (hex text).
        claimledger::store::merkle::backfill(&conn).unwrap();
        common::downgrade(&conn, 5);
        let root: String = note.lines().nth(2).unwrap().to_string();
        let root = hex::encode(
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, root).unwrap(),
        );
        conn.execute(
            "INSERT INTO checkpoints (note, size, root) VALUES (?1, 3, ?2)",
            [&note, &root],
        )
        .unwrap();
    }
    assert_eq!(sb.count("SELECT count(*) FROM journal"), 3);
    sb.ok(&["verify"]);
    assert_eq!(
        sb.count("PRAGMA user_version"),
        claimledger::store::migrate::SCHEMA_VERSION
    );
    let payload: String = sb
        .sql()
        .query_row(
            "SELECT payload FROM journal WHERE kind = 'checkpoint'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["note"], note);
    assert_eq!(payload["upgraded"], true);
    assert_eq!(payload["size"], 3);
    // Bound from now on.
    sb.sql().execute_batch("DELETE FROM checkpoints").unwrap();
    verify_fails(&sb, "table checkpoints");
}

// ------------------------------------------------------------------ schema objects

#[test]
fn an_added_trigger_or_view_fails_verify() {
    let sb = shared_sandbox();
    sb.sql()
        .execute_batch(
            "CREATE TRIGGER quiet AFTER INSERT ON status_events BEGIN
                 UPDATE claims SET status = 'confirmed' WHERE id = NEW.claim_id;
             END;",
        )
        .unwrap();
    let report = verify_fails(&sb, "trigger quiet");
    assert_eq!(report["problems"][0]["check"], "schema");
    sb.sql()
        .execute_batch("DROP TRIGGER quiet; CREATE VIEW claims_view AS SELECT * FROM claims;")
        .unwrap();
    verify_fails(&sb, "view claims_view");
    sb.sql()
        .execute_batch("DROP VIEW claims_view; CREATE INDEX sneaky ON claims (said);")
        .unwrap();
    verify_fails(&sb, "index sneaky");
    sb.sql().execute_batch("DROP INDEX sneaky").unwrap();
    sb.ok(&["verify"]);
}

#[test]
fn a_ledger_you_may_not_read_says_so() {
    let sb = shared_sandbox();
    chmod(&sb.db, 0o000);
    let out = wrapped(&unprivileged(), &sb.db, &["list"]);
    chmod(&sb.db, 0o666);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(stderr.contains("ermission denied"), "{stderr}");
}

#[test]
fn a_really_full_disk_says_so() {
    need("unshare", "README.md (util-linux)");
    let sb = Sandbox::empty();
    let mnt = sb.dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let big = sb.file(
        "big.txt",
        "The ferry left the harbour at dawn. ".repeat(100_000),
    );
    // A 4 MiB file system: room for a new ledger, not for a 3.6 MB source as well.
    let script = format!(
        "mount -t tmpfs -o size=4m tmpfs '{m}' && \"$0\" --db '{m}/ledger.db' init -q && \"$0\" --db '{m}/ledger.db' source add '{big}'; echo \"exit $?\" >&2; \"$0\" --db '{m}/ledger.db' verify",
        m = mnt.display()
    );
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .arg(bin())
        .env("CLAIMLEDGER_USER", "tester")
        .output()
        .expect("runs");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("exit 1"), "{stderr}");
    assert!(stderr.contains("is full"), "{stderr}");
    assert!(stderr.contains("free some space"), "{stderr}");
    assert!(!stderr.contains("disk I/O error"), "{stderr}");
    // verify ran on the full disk afterwards and found the ledger as it was.
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("verify: ok: 1 journal entries"), "{stderr}");
}

// ------------------------------------------------------------------ waiting for the lock

#[test]
fn a_writer_that_cannot_get_the_lock_says_what_happened() {
    let sb = shared_sandbox();
    let before = sb.snapshot();
    // Another process holds the write lock for the whole wait.
    let holder = sb.sql();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = sb
        .cmd(&["party", "add", "Port Authority"])
        .env("CLAIMLEDGER_LOCK_WAIT", "1")
        .output()
        .unwrap();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("could not get this ledger's write lock within 1 seconds"),
        "{stderr}"
    );
    assert!(
        stderr.contains("one long write, or many short ones"),
        "{stderr}"
    );
    assert!(!stderr.contains("held it for over"), "{stderr}");
    assert_eq!(before, sb.snapshot());
    // A writer that waits while the lock is taken and given back gets it.
    sb.ok(&["party", "add", "Port Authority"]);
}

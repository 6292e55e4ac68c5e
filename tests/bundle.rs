//! Journal bundles: a round trip with the same root, any changed byte refused with its
//! place, and a prefix ledger caught up.

mod common;
mod publish;

use common::Sandbox;
use publish::newsroom;

fn bundle_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![
        dir.join("manifest.json"),
        dir.join("journal.jsonl"),
        dir.join("checkpoints.jsonl"),
    ];
    for blob in std::fs::read_dir(dir.join("blobs")).unwrap() {
        files.push(blob.unwrap().path());
    }
    files
}

/// Checkpoint size and root of a ledger (recording a checkpoint of it).
fn checkpoint(sb: &Sandbox) -> (u64, String) {
    let c = sb.json(&["checkpoint"]);
    (
        c["size"].as_u64().unwrap(),
        c["root"].as_str().unwrap().to_string(),
    )
}

/// A ledger with two versions of a document (so appearances are followed), a signed and an
/// unsigned checkpoint, and claims of every shape.
fn full_ledger() -> Sandbox {
    let sb = Sandbox::new();
    newsroom(&sb);
    sb.ok(&["checkpoint"]);
    let later = publish::HARBOUR.replace("overnight", "late on Sunday");
    sb.ok(&[
        "source",
        "add",
        &sb.file("later.txt", later),
        "--url",
        "https://coastline.example/pier",
    ]);
    sb.ok(&[
        "key",
        "generate",
        "--name",
        "desk.example",
        "--out",
        "desk.key",
    ]);
    sb.ok(&["checkpoint", "--sign", "desk.key"]);
    sb.ok(&["status", "set", "C4", "confirmed"]);
    // Every other kind of entry: an alias, what a party is, a merge, another appearance.
    sb.ok(&["party", "alias", "Mira Odell", "M. Odell"]);
    sb.ok(&[
        "party",
        "set",
        "a dock worker",
        "--description",
        "a worker on the night shift",
    ]);
    sb.ok(&[
        "party",
        "add",
        "Keswin Port Authority",
        "--kind",
        "government",
    ]);
    sb.ok(&[
        "party",
        "merge",
        "Port Authority of Keswin",
        "Keswin Port Authority",
    ]);
    sb.ok(&[
        "claim",
        "cite",
        "C1",
        "--source",
        "ferry-pier-fire@1",
        "--quote",
        "faulty generator",
    ]);
    let kinds: String = sb
        .sql()
        .query_row(
            "SELECT group_concat(kind, ' ') FROM (SELECT DISTINCT kind FROM journal ORDER BY kind)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        kinds,
        "appearance.track checkpoint claim.add claim.cite ledger.init party.add party.alias \
         party.merge party.update source.add status.define status.set",
        "the kinds of journal entry the bundle carries"
    );
    sb
}

#[test]
fn bundle_round_trip_rebuilds_the_same_journal_root_and_tables() {
    let sb = full_ledger();
    let dir = sb.dir.path().join("bundle");
    let out = sb.ok(&["export", "bundle", dir.to_str().unwrap()]);
    let size = sb.count("SELECT count(*) FROM journal");
    assert!(out.contains(&format!("{size} entries")), "{out}");
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    assert_eq!(journal.lines().count() as i64, size);
    assert_eq!(bundle_files(&dir).len(), 5, "two sources' bytes");

    let copy = Sandbox::empty();
    let out = copy.ok(&["import", "bundle", dir.to_str().unwrap()]);
    assert!(out.contains(&format!("rebuilt {size} entries")), "{out}");
    // The same entries, byte for byte, and the same checkpoints.
    let rows = |sb: &Sandbox, sql: &str| -> Vec<String> {
        let conn = sb.sql();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let journal_sql =
        "SELECT seq || time || actor || kind || payload || hash FROM journal ORDER BY seq";
    assert_eq!(rows(&sb, journal_sql), rows(&copy, journal_sql));
    let checkpoint_sql = "SELECT note || coalesce(key, '') FROM checkpoints ORDER BY rowid";
    assert_eq!(rows(&sb, checkpoint_sql), rows(&copy, checkpoint_sql));
    assert_eq!(rows(&copy, checkpoint_sql).len(), 2);
    // The same tree size and root, a passing verify, and the same derived tables.
    assert_eq!(checkpoint(&sb), checkpoint(&copy));
    copy.ok(&["verify"]);
    assert_eq!(sb.ok(&["list", "--json"]), copy.ok(&["list", "--json"]));
    assert_eq!(
        sb.ok(&["audit", "C2", "--json"]),
        copy.ok(&["audit", "C2", "--json"])
    );
    // The signed checkpoint still verifies with the key, in the copy.
    let note = rows(&copy, "SELECT note FROM checkpoints WHERE key IS NOT NULL").remove(0);
    let file = copy.file("signed.txt", note);
    copy.ok(&[
        "verify",
        "--checkpoint",
        &file,
        "--key",
        &format!("{}/desk.key.pub", sb.dir.path().display()),
    ]);
}

#[test]
fn bundle_with_any_byte_changed_is_refused_naming_the_place() {
    let sb = full_ledger();
    let dir = sb.dir.path().join("bundle");
    sb.ok(&["export", "bundle", dir.to_str().unwrap()]);
    let copy = Sandbox::empty();
    let mut tried = 0;
    for file in bundle_files(&dir) {
        let original = std::fs::read(&file).unwrap();
        let name = file
            .strip_prefix(&dir)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let len = original.len();
        for at in [0, len / 3, len / 2, len - 2, len - 1] {
            let mut changed = original.clone();
            changed[at] ^= 0x01;
            std::fs::write(&file, &changed).unwrap();
            let stderr = copy.fails(&["import", "bundle", dir.to_str().unwrap()], 1);
            assert!(
                stderr.starts_with("error: the bundle is refused (nothing was written): "),
                "{name} byte {at}: {stderr}"
            );
            assert!(
                stderr.contains(&name),
                "{name} byte {at} not named: {stderr}"
            );
            assert!(!copy.db.exists(), "{name} byte {at}: a ledger was written");
            tried += 1;
        }
        std::fs::write(&file, &original).unwrap();
    }
    assert_eq!(tried, 25);
    // A file that is not part of a bundle is refused too; a missing blob is named.
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    let stderr = copy.fails(&["import", "bundle", dir.to_str().unwrap()], 1);
    assert!(
        stderr.contains("notes.txt: is not part of a claimledger bundle"),
        "{stderr}"
    );
    std::fs::remove_file(dir.join("notes.txt")).unwrap();
    let blob = bundle_files(&dir).pop().unwrap();
    std::fs::remove_file(&blob).unwrap();
    let stderr = copy.fails(&["import", "bundle", dir.to_str().unwrap()], 1);
    let name = blob
        .strip_prefix(&dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        stderr.contains(&format!("{name}: cannot be read")),
        "{stderr}"
    );
    assert!(!copy.db.exists());
}

#[test]
fn bundle_catches_up_a_prefix_ledger_and_refuses_any_other() {
    let sb = Sandbox::new();
    newsroom(&sb);
    let first = sb.dir.path().join("first");
    sb.ok(&["export", "bundle", first.to_str().unwrap()]);
    let replica = Sandbox::empty();
    replica.ok(&["import", "bundle", first.to_str().unwrap()]);
    let before = replica.count("SELECT count(*) FROM journal");

    // The newsroom goes on: a new source, a claim, a status, a checkpoint.
    let extra = sb.add_source(
        "extra.txt",
        "🛟 The coastguard said the harbour reopened at noon.\n",
    );
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &extra,
        "--claimant",
        "the coastguard",
        "--quote",
        "the harbour reopened at noon",
    ]);
    sb.ok(&["status", "set", "C5", "confirmed"]);
    sb.ok(&["checkpoint"]);
    let second = sb.dir.path().join("second");
    sb.ok(&["export", "bundle", second.to_str().unwrap()]);
    let after = sb.count("SELECT count(*) FROM journal");

    // The replica is a prefix: the rest is appended, and it matches.
    let out = replica.ok(&["import", "bundle", second.to_str().unwrap()]);
    assert!(
        out.contains(&format!(
            "appended {} entries to the {before} it had",
            after - before
        )),
        "{out}"
    );
    assert_eq!(replica.count("SELECT count(*) FROM checkpoints"), 1);
    replica.ok(&["verify"]);
    assert_eq!(checkpoint(&sb), checkpoint(&replica));
    assert_eq!(sb.ok(&["list", "--json"]), replica.ok(&["list", "--json"]));
    // Again: nothing to do.
    let out = replica.ok(&["import", "bundle", second.to_str().unwrap()]);
    assert!(out.contains("already has all"), "{out}");

    // A ledger longer than the bundle is not a prefix of it.
    let before = replica.snapshot();
    let stderr = replica.fails(&["import", "bundle", first.to_str().unwrap()], 1);
    assert!(stderr.contains("is not a prefix of the bundle"), "{stderr}");
    assert_eq!(before, replica.snapshot());

    // A ledger that went its own way is refused, and left as it was.
    let other = Sandbox::empty();
    other.ok(&["import", "bundle", first.to_str().unwrap()]);
    other.ok(&["status", "set", "C4", "false"]);
    let before = other.snapshot();
    let stderr = other.fails(&["import", "bundle", second.to_str().unwrap()], 1);
    assert!(
        stderr.contains(&format!("entry #{}", before_len(&first))),
        "{stderr}"
    );
    assert!(stderr.contains("not a prefix"), "{stderr}");
    assert_eq!(before, other.snapshot());
    // So is another ledger altogether.
    let stranger = Sandbox::new();
    let before = stranger.snapshot();
    let stderr = stranger.fails(&["import", "bundle", second.to_str().unwrap()], 1);
    assert!(
        stderr.contains("entry #0 of the ledger differs"),
        "{stderr}"
    );
    assert_eq!(before, stranger.snapshot());

    // export bundle never writes into a folder with things in it.
    sb.refuses(
        &["export", "bundle", second.to_str().unwrap()],
        "is not an empty folder",
    );
}

fn before_len(bundle: &std::path::Path) -> usize {
    std::fs::read_to_string(bundle.join("journal.jsonl"))
        .unwrap()
        .lines()
        .count()
}

#[test]
fn bundle_refusals_show_hostile_names_without_obeying_them() {
    let sb = Sandbox::new();
    newsroom(&sb);
    let dir = sb.dir.path().join("bundle");
    sb.ok(&["export", "bundle", dir.to_str().unwrap()]);
    std::fs::write(dir.join("x\u{1b}[2Jy"), "").unwrap();
    let copy = Sandbox::empty();
    let stderr = copy.fails(&["import", "bundle", dir.to_str().unwrap()], 1);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(
        stderr.contains("x\\u{1b}[2Jy: is not part of a claimledger bundle"),
        "{stderr}"
    );
}

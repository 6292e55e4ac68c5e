//! A bounded fault campaign, run with the rest of the suite:
//!
//! - **kills**: at least 100 SIGKILLs that land at random moments in the writing commands
//!   (`party add`, `source add`, `claim add`, `status set`, `checkpoint`, and `init`);
//! - **injections**: at least 100 EIO failures injected with strace
//!   (`-e inject=SYSCALL:error=EIO:when=N`) into the Nth fsync, pwrite64 or openat of a
//!   writing command, N drawn among the calls that command makes on its ledger;
//! - after each: `verify` must pass, and the ledger must hold exactly the state before the
//!   command (every table equal) or after it (the journal before, plus exactly the entries
//!   that command appends, nothing else);
//! - **writers**: 8 concurrent processes of 200 writes each: none may fail, none be lost.
//!
//! The ledgers live in /dev/shm when it exists (a kill or an injected error exercises the
//! same code paths there, without waiting on a real disk's fsync), else in the temp folder.
//! Each test prints its counts on stderr (shown with `cargo test -- --nocapture`, and
//! always on failure). `CLAIMLEDGER_CAMPAIGN_SEED` replays a run (its seed is printed).
//! strace is installed by scripts/deps/strace.sh; without it the test fails and says so.

mod common;

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 100;
const INJECTIONS: usize = 100;
const WRITERS: usize = 8;
const WRITES_EACH: usize = 200;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("claimledger")
}

fn need_strace() {
    let ok = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "strace is missing: run `bash scripts/deps/strace.sh` (the fault campaign needs it)"
    );
}

fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "fault campaign: {line}");
}

/// A small random number generator (xorshift64*), seeded per run.
struct Rng(u64);

impl Rng {
    fn new(name: &str) -> Rng {
        let seed = std::env::var("CLAIMLEDGER_CAMPAIGN_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        report(&format!("{name}: seed {seed}"));
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A folder for the campaign's ledgers.
fn workdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().expect("temp dir")
}

/// A ledger with a source, a party and a claim, and the commands the campaign runs on it.
struct Desk {
    dir: tempfile::TempDir,
    db: PathBuf,
    sha: String,
    counter: usize,
}

const QUOTE: &str = "Three civilians were killed and 11 were injured";

impl Desk {
    fn new() -> Desk {
        let dir = workdir();
        let db = dir.path().join("ledger.db");
        let mut desk = Desk {
            dir,
            db,
            sha: String::new(),
            counter: 0,
        };
        desk.must(&["init", "--origin", "campaign.example/ledger"]);
        desk.must(&["party", "add", "Ministry of Harbours"]);
        let article = desk.dir.path().join("report-v1.txt");
        std::fs::write(&article, common::ARTICLE_V1).unwrap();
        let out = desk.must(&["--json", "source", "add", article.to_str().unwrap()]);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        desk.sha = json["sha256"].as_str().unwrap().to_string();
        desk.must(&[
            "claim",
            "add",
            "--source",
            &desk.sha,
            "--quote",
            QUOTE,
            "--claimant",
            "Ministry of Harbours",
        ]);
        desk
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.arg("--db")
            .arg(&self.db)
            .args(args)
            .env("CLAIMLEDGER_USER", "campaign")
            .env("NO_COLOR", "1")
            .env_remove("CLAIMLEDGER_DB")
            .stdin(Stdio::null());
        cmd
    }

    fn must(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The arguments of writing command number `kind` (0..5), with fresh names and files.
    fn op(&mut self, kind: usize) -> Vec<String> {
        self.counter += 1;
        let n = self.counter;
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        match kind {
            0 => s(&["party", "add", &format!("Harbour Pilot {n}")]),
            1 => {
                let file = self.dir.path().join(format!("note-{n}.txt"));
                std::fs::write(
                    &file,
                    format!("Field note {n}: the ferry left the harbour at dawn.\n").repeat(40),
                )
                .unwrap();
                s(&["source", "add", file.to_str().unwrap()])
            }
            // The same quote again, on purpose: each run is one more claim.
            2 => s(&[
                "claim",
                "add",
                "--source",
                &self.sha,
                "--quote",
                QUOTE,
                "--claimant",
                "Ministry of Harbours",
                "--duplicate",
            ]),
            3 => s(&[
                "status",
                "set",
                "C1",
                if n.is_multiple_of(2) {
                    "confirmed"
                } else {
                    "disputed"
                },
            ]),
            _ => s(&["checkpoint"]),
        }
    }

    /// The journal as (seq, kind, hash).
    fn journal(&self) -> Vec<(i64, String, String)> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.prepare("SELECT seq, kind, hash FROM journal ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

const KINDS: [&str; 5] = [
    "party.add",
    "source.add",
    "claim.add",
    "status.set",
    "checkpoint",
];

#[derive(Default)]
struct Tally {
    runs: usize,
    landed: usize,
    finished_first: usize,
    before: usize,
    after: usize,
    partial: usize,
    verify_failures: usize,
    problems: Vec<String>,
}

impl Tally {
    /// Checks the ledger after a faulted run of command `kind`: verify passes, and the
    /// ledger is exactly the state before or after.
    fn check(
        &mut self,
        desk: &Desk,
        kind: usize,
        before: &[(i64, String, String)],
        snap: &[String],
        what: &str,
    ) {
        let out = desk.command(&["verify"]).output().unwrap();
        if !out.status.success() {
            self.verify_failures += 1;
            self.problems.push(format!(
                "{what}: verify failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let after = desk.journal();
        let prefix_kept = after.len() >= before.len() && after[..before.len()] == *before;
        let new: Vec<&str> = after[before.len().min(after.len())..]
            .iter()
            .map(|(_, k, _)| k.as_str())
            .collect();
        if prefix_kept && new.is_empty() {
            if common::snapshot(&desk.db) == snap {
                self.before += 1;
            } else {
                self.partial += 1;
                self.problems
                    .push(format!("{what}: no new entry, but the tables changed"));
            }
        } else if prefix_kept && new == [KINDS[kind]] {
            self.after += 1;
        } else {
            self.partial += 1;
            self.problems.push(format!(
                "{what}: journal went from {} to {} entries (new: {new:?}, earlier kept: {prefix_kept})",
                before.len(),
                after.len()
            ));
        }
    }

    fn finish(&self, name: &str, extra: &str) {
        report(&format!(
            "{name}: {} runs, {extra}; afterwards: {} as before, {} as after, {} partial states, {} verify failures",
            self.runs, self.before, self.after, self.partial, self.verify_failures
        ));
        assert!(
            self.problems.is_empty(),
            "{name}: {} problem(s):\n{}",
            self.problems.len(),
            self.problems.join("\n")
        );
    }
}

#[test]
fn sigkill_at_random_moments_leaves_before_or_after() {
    let mut rng = Rng::new("kills");
    let mut desk = Desk::new();
    // How long each command takes when left alone: kills land anywhere in that span.
    let mut span = [Duration::ZERO; 5];
    for (kind, span) in span.iter_mut().enumerate() {
        let args = desk.op(kind);
        let start = Instant::now();
        let out = desk.command(&to_refs(&args)).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        *span = start.elapsed();
    }
    let mut tally = Tally::default();
    let started = Instant::now();
    while tally.landed < KILLS && tally.runs < 4 * KILLS {
        tally.runs += 1;
        let kind = rng.below(5) as usize;
        let args = desk.op(kind);
        let before = desk.journal();
        let snap = common::snapshot(&desk.db);
        let delay = Duration::from_micros(rng.below(span[kind].as_micros() as u64 + 1));
        let mut child = desk
            .command(&to_refs(&args))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            tally.landed += 1;
        } else {
            tally.finished_first += 1;
        }
        tally.check(
            &desk,
            kind,
            &before,
            &snap,
            &format!("kill after {delay:?} of {args:?}"),
        );
    }
    // init: a killed init leaves no ledger, or a whole one; never one that blocks the next.
    let mut init_kills = 0;
    let mut init_runs = 0;
    while init_kills < 20 && init_runs < 80 {
        init_runs += 1;
        let dir = workdir();
        let db = dir.path().join("new.db");
        let mut child = Command::new(bin())
            .arg("--db")
            .arg(&db)
            .arg("init")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(60_000)));
        let _ = child.kill();
        if child.wait().unwrap().signal() == Some(9) {
            init_kills += 1;
        }
        let next = Command::new(bin())
            .arg("--db")
            .arg(&db)
            .arg(if db.exists() { "verify" } else { "init" })
            .output()
            .unwrap();
        if !next.status.success() {
            tally.partial += 1;
            tally.problems.push(format!(
                "killed init: then {}",
                String::from_utf8_lossy(&next.stderr)
            ));
        }
    }
    tally.finish(
        "kills",
        &format!(
            "{} SIGKILLs landed mid-command ({} commands finished first), plus {init_kills} of {init_runs} inits killed, {:.0?}",
            tally.landed,
            tally.finished_first,
            started.elapsed()
        ),
    );
    assert!(tally.landed >= KILLS, "only {} kills landed", tally.landed);
}

fn to_refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

const SYSCALLS: [&str; 3] = ["fsync", "pwrite64", "openat"];

/// How many calls of each syscall a command makes on the ledger: (first, last) 1-based
/// call numbers, from a traced run.
fn calls(desk: &Desk, args: &[String], trace: &Path) -> [(u64, u64); 3] {
    let out = Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(trace)
        .args(["-e", "trace=fsync,pwrite64,openat"])
        .arg(bin())
        .arg("--db")
        .arg(&desk.db)
        .args(args)
        .env("CLAIMLEDGER_USER", "campaign")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?} under strace: {out:?}");
    let text = std::fs::read_to_string(trace).unwrap();
    let dir = desk.dir.path().to_str().unwrap();
    let mut result = [(0, 0); 3];
    for (i, name) in SYSCALLS.iter().enumerate() {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(&format!(" {name}(")) || l.starts_with(&format!("{name}(")))
            .collect();
        // openat: only from the first that opens something in the ledger's folder (before
        // that the program is being loaded).
        let first = if *name == "openat" {
            lines.iter().position(|l| l.contains(dir)).unwrap_or(0) as u64 + 1
        } else {
            1
        };
        result[i] = (first, lines.len() as u64);
    }
    result
}

#[test]
fn eio_injected_into_fsync_pwrite_and_openat_leaves_before_or_after() {
    need_strace();
    let mut rng = Rng::new("injections");
    let mut desk = Desk::new();
    let trace = desk.dir.path().join("trace.txt");
    let mut counts = [[(0u64, 0u64); 3]; 5];
    for (kind, c) in counts.iter_mut().enumerate() {
        let args = desk.op(kind);
        *c = calls(&desk, &args, &trace);
    }
    let mut tally = Tally::default();
    let mut fired = [0usize; 3];
    let started = Instant::now();
    while fired.iter().sum::<usize>() < INJECTIONS && tally.runs < 3 * INJECTIONS {
        tally.runs += 1;
        let kind = rng.below(5) as usize;
        let sys = tally.runs % 3;
        let (first, last) = counts[kind][sys];
        if last < first {
            continue;
        }
        let when = first + rng.below(last - first + 1);
        let name = SYSCALLS[sys];
        let args = desk.op(kind);
        let before = desk.journal();
        let snap = common::snapshot(&desk.db);
        let _ = std::fs::remove_file(&trace);
        let out = Command::new("strace")
            .args(["-f", "-qq", "-o"])
            .arg(&trace)
            .args(["-e", &format!("trace={name}")])
            .args(["-e", &format!("inject={name}:error=EIO:when={when}")])
            .arg(bin())
            .arg("--db")
            .arg(&desk.db)
            .args(&args)
            .env("CLAIMLEDGER_USER", "campaign")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let injected = std::fs::read_to_string(&trace)
            .unwrap_or_default()
            .contains("(INJECTED)");
        if injected {
            fired[sys] += 1;
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("panicked") {
            tally.problems.push(format!(
                "{args:?} with EIO on {name} #{when} panicked: {stderr}"
            ));
        }
        tally.check(
            &desk,
            kind,
            &before,
            &snap,
            &format!("EIO on {name} #{when} of {args:?}"),
        );
    }
    tally.finish(
        "injections",
        &format!(
            "{} EIO injections fired (fsync {}, pwrite64 {}, openat {}), {:.0?}",
            fired.iter().sum::<usize>(),
            fired[0],
            fired[1],
            fired[2],
            started.elapsed()
        ),
    );
    assert!(
        fired.iter().sum::<usize>() >= INJECTIONS,
        "only {fired:?} injections fired"
    );
}

#[test]
fn eight_concurrent_writers_lose_nothing_and_never_give_up() {
    let desk = Desk::new();
    let started = Instant::now();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                let desk = &desk;
                s.spawn(move || {
                    let mut failed = Vec::new();
                    for i in 0..WRITES_EACH {
                        let name = format!("Writer {w} note {i}");
                        let out = desk.command(&["party", "add", &name]).output().unwrap();
                        if !out.status.success() {
                            failed
                                .push(format!("{name}: {}", String::from_utf8_lossy(&out.stderr)));
                        }
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let conn = rusqlite::Connection::open(&desk.db).unwrap();
    let stored: i64 = conn
        .query_row(
            "SELECT count(*) FROM parties WHERE name LIKE 'Writer % note %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let total = (WRITERS * WRITES_EACH) as i64;
    let lost = total - failures.len() as i64 - stored;
    let verify = desk.command(&["verify"]).output().unwrap();
    report(&format!(
        "writers: {WRITERS} processes x {WRITES_EACH} writes in {:.0?}: {} failed, {lost} lost, {stored} stored, verify {}",
        started.elapsed(),
        failures.len(),
        if verify.status.success() {
            "ok"
        } else {
            "FAILED"
        }
    ));
    assert!(
        failures.is_empty(),
        "{} writes failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(lost, 0);
    assert_eq!(stored, total);
    assert!(verify.status.success(), "{verify:?}");
}

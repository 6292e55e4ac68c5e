//! The million-claim benchmark's two Rust halves, driven by benches/scale.sh:
//!
//! ```sh
//! cargo run --release --example scale -- gen 1000000 DIR    # DIR/claims.tsv, DIR/src/*.txt
//! cargo run --release --example scale -- build DIR LEDGER   # a ledger of them, in bulk
//! ```
//!
//! `gen` writes 1,000 text sources and a TSV of N claims quoting them (one sentence each),
//! over 2,000 parties (named in the TSV, so that `claimledger import csv` reads it too), every third claim through a conduit and every second one with a
//! status. `build` creates a ledger, stores the sources through `source add`'s own path
//! ([`Ledger::add_source`]), then records the parties, claims and statuses the way an
//! importer does: one `Tx::append` per entry inside ONE write transaction
//! ([`Store::begin_write`]). It prints `bulk: <entries> entries, <claims> claims in <s> s`
//! for the script to read.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use claimledger::anchor::Anchor;
use claimledger::journal::{AppearanceRecord, Event, PartyRef};
use claimledger::ledger::{Input, Ledger, NewSource};
use claimledger::party::PartyKind;
use claimledger::store::Store;

const SOURCES: u64 = 1_000;
const PARTIES: u64 = 2_000;
const STATUSES: [&str; 4] = ["confirmed", "disputed", "false", "unconfirmed"];
const TIME: &str = "2026-01-01T00:00:00.000Z";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen", n, dir] => {
            generate(n.parse().expect("N is a number"), Path::new(dir)).map_err(|e| e.to_string())
        }
        ["build", dir, db] => build(Path::new(dir), Path::new(db)).map_err(|e| e.to_string()),
        ["stages", db] => stages(Path::new(db)).map_err(|e| e.to_string()),
        ["init", db, page] => init(Path::new(db), page.parse().expect("a page size"))
            .map(drop)
            .map_err(|e| e.to_string()),
        _ => {
            eprintln!(
                "usage: scale gen N DIR | scale build DIR LEDGER | scale stages LEDGER | scale init LEDGER PAGE_SIZE"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn party_name(id: u64) -> String {
    format!("Party {id:04}")
}

/// The sentence claim `n` is, in its source: ASCII, so code points are bytes.
fn sentence(n: u64) -> String {
    format!(
        "{} said that event {n} took place in district {} on day {}.",
        party_name(claimant(n)),
        n % 97,
        n % 365
    )
}

fn claimant(n: u64) -> u64 {
    n % PARTIES + 1
}

fn conduit(n: u64) -> Option<u64> {
    let p = (n * 7 + 3) % PARTIES + 1;
    (n.is_multiple_of(3) && p != claimant(n)).then_some(p)
}

fn status(n: u64) -> Option<&'static str> {
    n.is_multiple_of(2).then(|| STATUSES[(n / 2 % 4) as usize])
}

/// Claim `n` (1-based) lives in source `(n - 1) % SOURCES`.
fn generate(n: u64, dir: &Path) -> std::io::Result<()> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src)?;
    let mut texts: Vec<BufWriter<std::fs::File>> = Vec::new();
    let mut offsets = vec![0u64; SOURCES as usize];
    for s in 0..SOURCES.min(n.max(1)) {
        let mut w = BufWriter::new(std::fs::File::create(src.join(format!("{s:04}.txt")))?);
        let head = format!("Source {s} of the benchmark.\n");
        w.write_all(head.as_bytes())?;
        offsets[s as usize] = head.len() as u64;
        texts.push(w);
    }
    let mut tsv = BufWriter::new(std::fs::File::create(dir.join("claims.tsv"))?);
    writeln!(
        tsv,
        "number\tsource\tstart\tend\tclaimant\tvia\tstatement\tstatus"
    )?;
    for number in 1..=n {
        let s = ((number - 1) % SOURCES) as usize;
        let text = sentence(number);
        let start = offsets[s];
        let end = start + text.len() as u64;
        texts[s].write_all(text.as_bytes())?;
        texts[s].write_all(b"\n")?;
        offsets[s] = end + 1;
        writeln!(
            tsv,
            "{number}\t{s}\t{start}\t{end}\t{}\t{}\tEvent {number} happened\t{}",
            party_name(claimant(number)),
            conduit(number).map(party_name).unwrap_or_default(),
            status(number).unwrap_or("")
        )?;
    }
    for mut w in texts {
        w.flush()?;
    }
    tsv.flush()
}

/// `verify --quick`, printing how long each of its stages took.
fn stages(db: &Path) -> claimledger::Result<()> {
    use claimledger::store::verify::{Options, Progress, verify};
    let mut store = Store::open(db)?;
    let options = Options {
        quick: true,
        checkpoint: None,
    };
    let start = Instant::now();
    let mut last = (String::from("open"), Instant::now());
    let report = verify(&mut store, &options, &mut |p| {
        if let Progress::Stage(name, _) = p {
            println!("  {:<20} {:>8.2} s", last.0, last.1.elapsed().as_secs_f64());
            last = (name.to_string(), Instant::now());
        }
    })?;
    println!("  {:<20} {:>8.2} s", last.0, last.1.elapsed().as_secs_f64());
    println!(
        "verify --quick: {} entries, {} problems, {:.2} s",
        report.entries,
        report.problems.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A new ledger, rebuilt with another page size (for measuring the page size's trade-off:
/// `SCALE_PAGE_SIZE=4096` makes `build` do this too).
fn init(db: &Path, page_size: u32) -> claimledger::Result<Ledger> {
    let (ledger, _) = Ledger::init(db, "bench", Some("bench.example/scale".into()))?;
    drop(ledger);
    let conn = rusqlite::Connection::open(db)?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = DELETE; PRAGMA page_size = {page_size}; VACUUM; PRAGMA journal_mode = WAL;"
    ))?;
    drop(conn);
    Ledger::open(db, "bench")
}

fn build(dir: &Path, db: &Path) -> claimledger::Result<()> {
    let t = Instant::now();
    let mut ledger = match std::env::var("SCALE_PAGE_SIZE") {
        Ok(size) => init(db, size.parse().expect("SCALE_PAGE_SIZE is a number"))?,
        Err(_) => Ledger::init(db, "bench", Some("bench.example/scale".into()))?.0,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("src"))
        .expect("DIR/src")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    let mut shas = Vec::new();
    let mut texts = Vec::new();
    for file in &files {
        let added = ledger.add_source(Input::File(file), NewSource::default())?;
        shas.push(added.sha256);
        texts.push(std::fs::read_to_string(file).expect("a source"));
    }
    drop(ledger);
    println!(
        "sources: {} in {:.2} s",
        files.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let mut store = Store::open(db)?;
    let tx = store.begin_write()?;
    let lines = std::io::BufReader::new(std::fs::File::open(dir.join("claims.tsv")).expect("TSV"))
        .lines()
        .count() as u64;
    tx.expect_bulk(lines.saturating_sub(1))?;
    if let Ok(mib) = std::env::var("SCALE_CACHE_MIB") {
        tx.widen_cache(mib.parse().expect("SCALE_CACHE_MIB is a number"))?;
    }
    let mut entries = 0u64;
    for id in 1..=PARTIES {
        tx.append(
            TIME,
            "bench",
            Event::PartyAdd {
                id: id as i64,
                name: party_name(id),
                kind: PartyKind::Person,
                description: None,
                aliases: Vec::new(),
            },
        )?;
        entries += 1;
    }
    // The TSV names parties as `party_name` does ("Party 0017"): the id is the number.
    let party = |name: &str| {
        let id: u64 = name
            .trim_start_matches("Party ")
            .parse()
            .expect("a party name");
        PartyRef {
            id: id as i64,
            typed: name.to_string(),
        }
    };
    let tsv = std::io::BufReader::new(std::fs::File::open(dir.join("claims.tsv")).expect("TSV"));
    let mut claims = 0u64;
    for line in tsv.lines().skip(1) {
        let line = line.expect("a TSV line");
        let f: Vec<&str> = line.split('\t').collect();
        let number: u64 = f[0].parse().expect("number");
        let s: usize = f[1].parse().expect("source");
        let (start, end): (usize, usize) =
            (f[2].parse().expect("start"), f[3].parse().expect("end"));
        let text = &texts[s];
        let exact = text[start..end].to_string();
        let anchor = Anchor {
            start,
            end,
            prefix: text[start.saturating_sub(claimledger::anchor::CONTEXT)..start].to_string(),
            suffix: text[end..(end + claimledger::anchor::CONTEXT).min(text.len())].to_string(),
            exact: exact.clone(),
            normalized: false,
            fragments: None,
        };
        let id = format!("C{number}");
        tx.append(
            TIME,
            "bench",
            Event::ClaimAdd {
                id: id.clone(),
                statement: f[6].to_string(),
                claimant: party(f[4]),
                via: (!f[5].is_empty())
                    .then(|| party(f[5]))
                    .into_iter()
                    .collect(),
                said: number.is_multiple_of(5).then(|| "2025-06-01".to_string()),
                appearance: AppearanceRecord {
                    id: number as i64,
                    source: shas[s].clone(),
                    quote: exact,
                    anchor,
                },
                imported: None,
            },
        )?;
        claims += 1;
        entries += 1;
        if !f[7].is_empty() {
            tx.append(
                TIME,
                "bench",
                Event::StatusSet {
                    claim: id,
                    status: f[7].to_string(),
                    by: None,
                    evidence: None,
                    note: None,
                },
            )?;
            entries += 1;
        }
    }
    let appended = t.elapsed().as_secs_f64();
    drop(texts); // as an importer would: nothing of the input is needed to commit
    tx.commit()?;
    let committed = t.elapsed().as_secs_f64();
    drop(store);
    println!(
        "bulk: {entries} entries, {claims} claims in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    println!(
        "  appends {appended:.2} s, commit (indexes, full text, WAL) {:.2} s, close (checkpoint) {:.2} s",
        committed - appended,
        t.elapsed().as_secs_f64() - committed
    );
    Ok(())
}

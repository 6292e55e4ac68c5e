//! Measures the journal's Merkle work at scale (SPEC §10): appends N entries to a temporary
//! ledger, then times a checkpoint, inclusion and consistency proofs, counting the stored
//! nodes they read, and a full `verify`.
//!
//! ```sh
//! cargo run --release --example journal_bench -- 1000000
//! ```

use std::cell::Cell;
use std::time::Instant;

use claimledger::journal::{Event, PartyRef};
use claimledger::merkle::{self, SubtreeStore};
use claimledger::party::PartyKind;
use claimledger::store::Store;
use claimledger::store::merkle::SqlTree;

struct Counting<'c>(SqlTree<'c>, Cell<u64>);

impl SubtreeStore for Counting<'_> {
    type Error = claimledger::Error;
    fn perfect(&self, level: u32, index: u64) -> claimledger::Result<merkle::Hash> {
        self.1.set(self.1.get() + 1);
        self.0.perfect(level, index)
    }
}

fn main() -> claimledger::Result<()> {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile_dir();
    let path = dir.join("bench.db");
    let time = "2026-01-01T00:00:00.000Z";
    let mut store = Store::create(
        &path,
        time,
        "bench",
        Event::LedgerInit {
            origin: "bench.example/ledger".into(),
            software: "bench".into(),
        },
    )?;
    let start = Instant::now();
    {
        let tx = store.begin_write()?;
        tx.append(
            time,
            "bench",
            Event::PartyAdd {
                id: 1,
                name: "Party".into(),
                kind: PartyKind::parse("person").expect("a kind"),
                description: None,
                aliases: Vec::new(),
            },
        )?;
        tx.commit()?;
    }
    let mut done = 2u64;
    while done < n {
        let tx = store.begin_write()?;
        for _ in 0..10_000.min(n - done) {
            tx.append(
                time,
                "bench",
                Event::PartyAlias {
                    party: PartyRef {
                        id: 1,
                        typed: "Party".into(),
                    },
                    alias: format!("alias {done}"),
                },
            )?;
            done += 1;
        }
        tx.commit()?;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "appended {n} entries in {secs:.1} s ({:.0} entries/s, journal + Merkle + projection)",
        n as f64 / secs
    );

    let t = Instant::now();
    let made = claimledger::checkpoint::record(&mut store, "bench", None)?;
    println!(
        "checkpoint at {} entries: {:.2} ms",
        made.checkpoint.size,
        t.elapsed().as_secs_f64() * 1e3
    );
    {
        let tx = store.begin_read()?;
        let counting = Counting(SqlTree(&tx), Cell::new(0));
        let t = Instant::now();
        let root = merkle::root(&counting, n)?;
        println!(
            "root: {:.3} ms, {} stored nodes read",
            t.elapsed().as_secs_f64() * 1e3,
            counting.1.replace(0)
        );
        for index in [0, n / 2, n - 1] {
            let t = Instant::now();
            let proof = merkle::inclusion_proof(&counting, index, n)
                .map_err(|e| claimledger::Error::Proof(e.to_string()))?;
            let ms = t.elapsed().as_secs_f64() * 1e3;
            let leaf = counting.perfect(0, index)?;
            merkle::verify_inclusion(index, n, &leaf, &proof, &root).expect("valid");
            println!(
                "inclusion proof of leaf {index}: {ms:.3} ms, {} hashes, {} stored nodes read",
                proof.len(),
                counting.1.replace(0) - 1
            );
        }
        let t = Instant::now();
        let proof = merkle::consistency_proof(&counting, n / 3, n)
            .map_err(|e| claimledger::Error::Proof(e.to_string()))?;
        println!(
            "consistency proof {} -> {n}: {:.3} ms, {} hashes, {} stored nodes read",
            n / 3,
            t.elapsed().as_secs_f64() * 1e3,
            proof.len(),
            counting.1.replace(0)
        );
    }
    let t = Instant::now();
    let mut stages: Vec<(String, Instant)> = Vec::new();
    let report = claimledger::verify::verify(&mut store, &Default::default(), &mut |p| {
        if let claimledger::verify::Progress::Stage(name, _) = p {
            stages.push((name.to_string(), Instant::now()));
        }
    })?;
    let end = Instant::now();
    println!(
        "verify of {} entries: {:.1} s, {} problem(s)",
        report.entries,
        t.elapsed().as_secs_f64(),
        report.problems.len()
    );
    for (i, (name, at)) in stages.iter().enumerate() {
        let next = stages.get(i + 1).map_or(end, |s| s.1);
        println!("  {name}: {:.2} s", (next - *at).as_secs_f64());
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("claimledger-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

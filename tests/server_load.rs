//! A bounded loopback load test of `claimledger serve`: 16 concurrent clients × 200 writes,
//! with the command line writing to the same file meanwhile; nothing lost, no 5xx, latency
//! percentiles printed (not asserted). And a SIGTERM under load loses no acknowledged write.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::server::{Server, client, token};
use common::{ARTICLE_V1, Sandbox};
use serde_json::{Value, json};

const CLIENTS: usize = 16;
const WRITES: usize = 200;
const CLI_WRITES: usize = 10;
const QUOTE: &str = "opened a fresh dispute between Orvenia and Valtrane";

fn claim_body(source: &str, client: usize) -> String {
    json!({
        "source": source,
        "quote": QUOTE,
        "claimant": format!("desk client {client}"),
        "duplicate": true,
    })
    .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn sixteen_clients_and_the_command_line_lose_nothing() {
    let sb = Sandbox::new();
    let source = sb.add_source("article.txt", ARTICLE_V1);
    let ana = token(&sb, "ana", "checker");
    let server = Server::start(&sb, &[]);
    let url = server.url("/api/claims");
    let started = Instant::now();
    let (results, cli_ok) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (url, ana, source) = (&url, &ana, &source);
                s.spawn(move || {
                    let http = client();
                    let mut out = Vec::new();
                    for _ in 0..WRITES {
                        let t = Instant::now();
                        let resp = http
                            .post(url.as_str())
                            .header("Authorization", format!("Bearer {ana}"))
                            .header("Content-Type", "application/json")
                            .body(claim_body(source, c))
                            .send()
                            .expect("the server answers");
                        let status = resp.status().as_u16();
                        let body: Value = resp.json().expect("JSON");
                        out.push((status, body["id"].as_str().map(String::from), t.elapsed()));
                    }
                    out
                })
            })
            .collect();
        // The command line writes to the same ledger meanwhile: it waits its turn.
        let cli = s.spawn(|| {
            (0..CLI_WRITES)
                .filter(|i| {
                    let out = sb
                        .cmd(&["claim", "add", "--source", &source[..12], "--quote", QUOTE])
                        .args([
                            "--claimant",
                            &format!("the command line {i}"),
                            "--duplicate",
                        ])
                        .output()
                        .unwrap();
                    out.status.success()
                })
                .count()
        });
        let results: Vec<_> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        (results, cli.join().unwrap())
    });
    let elapsed = started.elapsed();
    assert_eq!(cli_ok, CLI_WRITES, "every command-line write succeeded");
    let server_errors = results.iter().filter(|r| r.0 >= 500).count();
    let created = results.iter().filter(|r| r.0 == 201).count();
    assert_eq!(server_errors, 0, "5xx answers");
    assert_eq!(
        created,
        CLIENTS * WRITES,
        "writes not acknowledged with 201"
    );
    let ids: HashSet<&str> = results.iter().filter_map(|r| r.1.as_deref()).collect();
    assert_eq!(
        ids.len(),
        CLIENTS * WRITES,
        "every write got its own claim id"
    );

    let mut latencies: Vec<Duration> = results.iter().map(|r| r.2).collect();
    latencies.sort();
    println!(
        "load: {} writes by {CLIENTS} clients (+{CLI_WRITES} CLI) in {:.2?}: {:.0} writes/s, p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        latencies.len(),
        elapsed,
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().unwrap()
    );

    let (status, stderr) = server.stop();
    assert!(status.success(), "{stderr}");
    // Nothing lost: every acknowledged claim is in the ledger, with the CLI's beside them.
    let total = sb.count("SELECT count(*) FROM claims");
    assert_eq!(total as usize, CLIENTS * WRITES + CLI_WRITES);
    let by_ana =
        sb.count("SELECT count(*) FROM journal WHERE kind = 'claim.add' AND actor = 'ana'");
    assert_eq!(by_ana as usize, CLIENTS * WRITES);
    let listed = sb.json(&["list"]);
    let listed: HashSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.is_subset(&listed));
    assert_eq!(sb.json(&["verify"])["ok"], true);
}

#[test]
fn sigterm_under_load_keeps_every_acknowledged_write() {
    let sb = Sandbox::new();
    let source = sb.add_source("article.txt", ARTICLE_V1);
    let ana = token(&sb, "ana", "checker");
    let server = Server::start(&sb, &[]);
    let url = server.url("/api/claims");
    let acknowledged: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|c| {
                let (url, ana, source) = (&url, &ana, &source);
                s.spawn(move || {
                    let http = client();
                    let mut ids = Vec::new();
                    // Until the server stops answering (it was told to stop).
                    for _ in 0..2000 {
                        let Ok(resp) = http
                            .post(url.as_str())
                            .header("Authorization", format!("Bearer {ana}"))
                            .body(claim_body(source, c))
                            .send()
                        else {
                            break;
                        };
                        let status = resp.status().as_u16();
                        assert!(status < 500, "a 5xx while stopping: {status}");
                        if status == 201 {
                            let body: Value = resp.json().unwrap();
                            ids.push(body["id"].as_str().unwrap().to_string());
                        }
                    }
                    ids
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(1500));
        let (status, stderr) = server.stop();
        assert!(status.success(), "serve exits 0 on SIGTERM: {stderr}");
        assert!(stderr.contains("stopped after"), "{stderr}");
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        !acknowledged.is_empty(),
        "some writes were made before the stop"
    );
    let stored = sb.count("SELECT count(*) FROM claims") as usize;
    assert!(
        stored >= acknowledged.len(),
        "{} acknowledged, {stored} stored",
        acknowledged.len()
    );
    let listed = sb.json(&["list"]);
    let listed: HashSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in &acknowledged {
        assert!(
            listed.contains(id.as_str()),
            "acknowledged {id} is not in the ledger"
        );
    }
    assert_eq!(sb.json(&["verify"])["ok"], true);
}

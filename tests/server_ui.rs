//! `claimledger serve`'s web pages: signing in by token (an HttpOnly, SameSite=Strict
//! cookie), CSRF tokens on every form that writes, escaping of stored text, and a real
//! browser (headless Chromium) signing in, adding a claim through the form (seeing the
//! closest-passage hint first), finding it in the table and opening its page.

mod common;
mod publish;

use common::server::{Server, token};
use common::{ARTICLE_V1, Sandbox};
use reqwest::StatusCode;
use reqwest::blocking::Client;

const QUOTE: &str = "opened a fresh dispute between Orvenia and Valtrane";
const WRONG: &str = "opened a fresh quarrel between Orvenia and Valtrane";

fn no_redirects() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the form; returns the session cookie as sent back.
fn sign_in(http: &Client, server: &Server, token: &str) -> String {
    let resp = http
        .post(server.url("/login"))
        .form(&[("token", token)])
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/claims");
    resp.headers()["set-cookie"].to_str().unwrap().to_string()
}

/// The value of the first `name="csrf"` field of a page.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..at + 64].to_string()
}

#[test]
fn control_and_bidi_characters_in_stored_text_are_shown_marked_not_raw() {
    let sb = Sandbox::new();
    let quote = "file was \u{202e}gnp.exe\u{1b}[2J sent";
    let src = sb.add_source("tricky.txt", format!("The {quote} to the desk.\n"));
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        "Vell Council",
        "--quote",
        quote,
    ]);
    let ana = token(&sb, "ana", "reader");
    let server = Server::start(&sb, &[]);
    let http = no_redirects();
    let session = sign_in(&http, &server, &ana);
    for path in ["/claims", "/claims/C1"] {
        let page = http
            .get(server.url(path))
            .header("Cookie", &session)
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(
            !page.contains('\u{202e}') && !page.contains('\u{1b}'),
            "raw control characters on {path}"
        );
        assert!(
            page.contains(">\\u{202e}</span>gnp.exe<") && page.contains(">\\u{1b}</span>[2J"),
            "{page}"
        );
    }
}

#[test]
fn sign_in_sets_a_strict_httponly_cookie_and_forms_need_their_csrf_token() {
    let sb = Sandbox::new();
    sb.add_source("article.txt", ARTICLE_V1);
    let ana = token(&sb, "ana", "checker");
    let rita = token(&sb, "rita", "reader");
    let server = Server::start(&sb, &[]);
    let http = no_redirects();

    let anon = http.get(server.url("/claims")).send().unwrap();
    assert_eq!(anon.status(), StatusCode::SEE_OTHER);
    assert_eq!(anon.headers()["location"], "/login");
    let bad = http
        .post(server.url("/login"))
        .form(&[(
            "token",
            "clt_0000000000000000_".to_string() + &"0".repeat(64),
        )])
        .send()
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(bad.headers().get("set-cookie").is_none());

    let cookie = sign_in(&http, &server, &ana);
    assert!(
        cookie.starts_with(&format!("claimledger_session={ana};")),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let session = format!("claimledger_session={ana}");

    let page = http
        .get(server.url("/claims/new"))
        .header("Cookie", &session)
        .send()
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let html = page.text().unwrap();
    let csrf = csrf_of(&html);
    let sha = sb.json(&["source", "list"])[0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let claim = |csrf: &str, claimant: &str| {
        http.post(server.url("/claims/new"))
            .header("Cookie", &session)
            .form(&[
                ("csrf", csrf),
                ("source", &sha),
                ("quote", QUOTE),
                ("claimant", claimant),
            ])
            .send()
            .unwrap()
    };

    // Without the right CSRF token nothing is written.
    let before = sb.snapshot();
    for forged in ["", &"0".repeat(64)] {
        let resp = claim(forged, "the MoD");
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert!(resp.text().unwrap().contains("CSRF"));
    }
    // The API does not take the cookie for writes (a browser sends it on its own).
    let api = http
        .post(server.url("/api/claims"))
        .header("Cookie", &session)
        .header("Content-Type", "application/json")
        .body(format!(
            r#"{{"source":"{sha}","quote":"{QUOTE}","claimant":"x"}}"#
        ))
        .send()
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(before, sb.snapshot(), "a refused form changed the ledger");

    // With it, the claim is added, and stored markup is shown as text.
    let evil = "<script>window.__pwned=1</script> & \"co\"";
    let resp = claim(&csrf, evil);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/claims/C1");
    assert_eq!(sb.json(&["audit", "C1"])["claimant"], evil);
    let table = http
        .get(server.url("/claims"))
        .header("Cookie", &session)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        !table.contains("<script>"),
        "stored markup reached the page"
    );
    assert!(
        table.contains("&lt;script&gt;window.__pwned=1&lt;&#x2f;script&gt; &amp; &quot;co&quot;"),
        "{table}"
    );

    // A reader sees the claim but no form, and cannot post one.
    let reader = format!("claimledger_session={rita}");
    let claim_page = http
        .get(server.url("/claims/C1"))
        .header("Cookie", &reader)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(claim_page.contains(QUOTE));
    assert!(!claim_page.contains("Set the status"));
    let reader_csrf = {
        let html = http
            .get(server.url("/claims"))
            .header("Cookie", &reader)
            .send()
            .unwrap()
            .text()
            .unwrap();
        csrf_of(&html)
    };
    let refused = http
        .post(server.url("/claims/C1/status"))
        .header("Cookie", &reader)
        .form(&[("csrf", reader_csrf.as_str()), ("status", "confirmed")])
        .send()
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(sb.json(&["list"])[0]["status"], "unverified");

    // Signing out clears the cookie.
    let out = http
        .post(server.url("/logout"))
        .header("Cookie", &session)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[test]
fn a_browser_signs_in_adds_a_claim_through_the_form_and_opens_its_page() {
    publish::require_program("chromium", "--version", "chromium.sh");
    let sb = Sandbox::new();
    sb.add_source("article.txt", ARTICLE_V1);
    let ana = token(&sb, "ana", "checker");
    let server = Server::start(&sb, &[]);
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/server_browser.py");
    let out = std::process::Command::new("python3")
        .args([
            tool,
            &server.base,
            &ana,
            WRONG,
            QUOTE,
            "the Ministry of Defence of Orvenia",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "server_browser.py failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let pages: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let base = &server.base;

    assert_eq!(pages["before_login"]["url"], format!("{base}/login"));
    assert_eq!(pages["after_login"]["url"], format!("{base}/claims"));
    assert!(
        pages["after_login"]["text"]
            .as_str()
            .unwrap()
            .contains("signed in as ana (checker)")
    );
    // The session cookie is not readable by scripts.
    assert_eq!(pages["after_login"]["cookie"], "");

    let miss = &pages["not_anchored"];
    assert_eq!(miss["url"], format!("{base}/claims/new"));
    assert!(
        miss["error"].as_str().unwrap().contains("not found"),
        "{miss}"
    );
    assert!(
        miss["hint"].as_str().unwrap().contains("closest passage"),
        "{miss}"
    );
    assert!(miss["hint"].as_str().unwrap().contains("dispute"), "{miss}");
    assert!(
        miss["text"].as_str().unwrap().contains("quarrel"),
        "the form keeps what was typed"
    );

    assert_eq!(pages["added"]["url"], format!("{base}/claims/C1"));
    assert_eq!(pages["added"]["marks"][0], QUOTE);
    let rows = pages["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], "C1");
    assert_eq!(rows[0][1], QUOTE);
    assert_eq!(rows[0][2], "the Ministry of Defence of Orvenia");
    assert_eq!(rows[0][3], "unverified");
    let claim = &pages["claim"];
    assert_eq!(claim["url"], format!("{base}/claims/C1"));
    assert_eq!(claim["marks"][0], QUOTE);
    assert!(
        claim["text"]
            .as_str()
            .unwrap()
            .contains("Claimed by the Ministry of Defence of Orvenia")
    );
    assert_eq!(claim["scripts"], 0);
    let set = &pages["status_set"];
    assert!(
        set["text"].as_str().unwrap().contains("denied by Valtrane"),
        "{set}"
    );

    // What the browser did is in the ledger, as ana, and it verifies.
    let audit = sb.json(&["audit", "C1"]);
    assert_eq!(audit["status_label"], "denied by Valtrane");
    assert_eq!(audit["history"][0]["actor"], "ana");
    assert_eq!(audit["history"][0]["note"], "said on the radio");
    drop(server);
    assert_eq!(sb.json(&["verify"])["ok"], true);
}

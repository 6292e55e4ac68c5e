//! Starting the real `claimledger serve` on a sandbox's ledger, on an ephemeral loopback
//! port, and talking to it with reqwest.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Sandbox;

/// A running server.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `claimledger serve --listen 127.0.0.1:0 EXTRA...` and waits for its address.
    pub fn start(sb: &Sandbox, extra: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("claimledger"))
            .env_remove("CLAIMLEDGER_DB")
            .env("NO_COLOR", "1")
            .current_dir(sb.dir.path())
            .arg("--db")
            .arg(&sb.db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines
            .next()
            .expect("serve printed a line")
            .expect("stderr is UTF-8");
        let base = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("serve's first line: {first}"))
            .to_string();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        Server {
            child: Some(child),
            base,
            stderr,
        }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the process; its status and what it printed after the
    /// address.
    pub fn stop(mut self) -> (ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not stop within 60 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(50));
        (status, self.stderr.lock().unwrap().clone())
    }

    /// Kills it at once (SIGKILL), as a crash would.
    pub fn kill(mut self) {
        let mut child = self.child.take().unwrap();
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A new account's token, from the real `user add`.
pub fn token(sb: &Sandbox, name: &str, role: &str) -> String {
    let out = sb.ok(&["user", "add", name, "--role", role]);
    let token = out.trim().to_string();
    assert!(token.starts_with("clt_"), "user add printed: {out}");
    token
}

/// A blocking HTTP client.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

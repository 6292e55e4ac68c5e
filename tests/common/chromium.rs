//! Headless Chromium for the page tests: what a reader copying from the browser gets.
//! (Included with `#[path]` by the tests that need it, beside `mod common`.)

use std::path::Path;
use std::process::Command;

/// Runs tests/tools/inner_text.py: each page's `document.body.innerText` in headless
/// Chromium (HTML or MHTML files).
pub fn inner_text(pages: &[&str]) -> Vec<String> {
    let ok = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "'chromium' is missing: run `bash scripts/deps/chromium.sh` (or scripts/test.sh)"
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/inner_text.py");
    let out = Command::new("python3")
        .arg(script)
        .args(pages)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "inner_text.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("inner_text.py prints JSON")
}

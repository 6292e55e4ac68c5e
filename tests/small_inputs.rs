//! Smaller bad inputs: malformed proof files are invalid (exit 3), implausible dates are
//! refused, many aliases at once are taken (and deduplicated) in one go.

mod common;

use common::Sandbox;

/// A ledger with one claim and a checkpoint, and the claim's proofs written to a folder.
fn proofs() -> (Sandbox, std::path::PathBuf) {
    let sb = Sandbox::new();
    let sha = sb.add_source("a.txt", "Officials said the bridge held.\n");
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        "the bridge held",
        "--claimant",
        "Officials",
    ]);
    sb.ok(&["checkpoint"]);
    let dir = sb.dir.path().join("proofs");
    sb.ok(&["proof", "C1", "--out", dir.to_str().unwrap()]);
    (sb, dir)
}

/// Runs a command; returns its exit code, stdout and stderr.
fn run(sb: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let out = sb.cmd(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn proof_check_takes_several_files_and_a_directory() {
    let (sb, dir) = proofs();
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_string())
        .collect();
    assert!(files.len() >= 2, "{files:?}");
    let out = sb.ok(&["proof", "check", dir.to_str().unwrap()]);
    assert_eq!(out.lines().count(), files.len(), "{out}");
    for file in &files {
        assert!(out.contains(&format!("{file}: valid")), "{file}: {out}");
    }
    let mut args = vec!["proof", "check"];
    args.extend(files.iter().map(String::as_str));
    let json = sb.json(&args);
    assert_eq!(json.as_array().unwrap().len(), files.len());
    assert!(json[0]["file"].is_string() && json[0]["valid"] == true);
    // One bad file among good ones fails the whole check, and says which.
    let bad = sb.file("bad.json", "{\"kind\": \"inclusion\"}");
    let mut args = vec!["proof", "check", dir.to_str().unwrap(), &bad];
    let (code, out, err) = run(&sb, &args);
    assert_eq!(code, 3);
    assert!(err.contains("proof check failed: 1 of"), "{err}");
    assert!(out.contains(&format!("{bad}: INVALID")), "{out}");
    args.push("--json");
    let out = sb.cmd(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let last = json.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["file"], bad.as_str());
    assert_eq!(last["valid"], false);
    // An empty folder is an error, not a pass.
    let empty = sb.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = sb.fails(&["proof", "check", empty.to_str().unwrap()], 1);
    assert!(err.contains("no .json proof files"), "{err}");
}

#[test]
fn a_malformed_proof_file_is_invalid_not_an_error() {
    let (sb, dir) = proofs();
    let one = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_str().unwrap().contains("inclusion"))
        .unwrap();
    let text = std::fs::read_to_string(&one).unwrap();
    sb.ok(&["proof", "check", one.to_str().unwrap()]);

    // Not UTF-8: SPEC §8 says malformed means invalid, exit 3.
    let mut bytes = text.clone().into_bytes();
    bytes.insert(1, 0xff);
    let path = sb.file("latin1.json", &bytes);
    let (code, stdout, err) = run(&sb, &["proof", "check", &path]);
    assert_eq!(code, 3);
    assert!(err.contains("proof check failed"), "{err}");
    assert!(
        stdout.contains("INVALID") && stdout.contains("not UTF-8"),
        "{stdout}"
    );

    // A key twice: the same proof with `root` repeated (even with the same value) is refused,
    // since parsers disagree on which one counts.
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let root = doc["root"].as_str().unwrap();
    let twice = text.replacen('{', &format!("{{\n  \"root\": \"{root}\","), 1);
    let path = sb.file("twice.json", &twice);
    let out = sb.cmd(&["proof", "check", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\"root\" appears twice"), "{stdout}");
}

#[test]
fn implausible_dates_are_refused_and_filters_still_take_any_day() {
    let sb = Sandbox::new();
    let path = sb.file("a.txt", "Officials said the bridge held.\n");
    sb.refuses(
        &["source", "add", &path, "--captured", "9999-12-31"],
        "--captured 9999-12-31 is not a plausible date",
    );
    sb.refuses(
        &["source", "add", &path, "--published", "0000-01-01"],
        "not a plausible date",
    );
    sb.refuses(
        &["source", "add", &path, "--captured", "9999-12-31T00:00:00Z"],
        "check the year",
    );
    let sha = sb.add_source("a.txt", "Officials said the bridge held.\n");
    let claim = |said: &str| {
        vec![
            "claim".to_string(),
            "add".into(),
            "--source".into(),
            sha.clone(),
            "--quote".into(),
            "the bridge held".into(),
            "--claimant".into(),
            "Officials".into(),
            "--said".into(),
            said.into(),
        ]
    };
    for bad in ["0000-01-01", "1799-12-31", "9999-12-31"] {
        let args = claim(bad);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sb.refuses(
            &args,
            "is not a plausible date: it must be from 1800-01-01 to tomorrow",
        );
    }
    let args = claim("1800-01-01");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.ok(&args);
    let listed = sb.json(&["list", "--since", "0001-01-01", "--until", "9999-12-31"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn many_aliases_at_once_count_each_name_once() {
    let sb = Sandbox::new();
    let mut args = vec!["party".to_string(), "add".into(), "Ministry".into()];
    for i in 0..500 {
        args.push(format!("--alias=Name {i}"));
        args.push(format!("--alias=name  {i}"));
    }
    args.push("--alias=MINISTRY".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let added = sb.json(&args);
    let names = added["names"].as_array().unwrap();
    assert_eq!(names.len(), 501);
    assert_eq!(names[1], "Name 0");
    assert_eq!(names[500], "Name 499");
    assert_eq!(sb.count("SELECT count(*) FROM party_names"), 501);
}

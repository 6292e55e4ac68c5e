//! The conventions people expect of a command line: completions and a man page, a format
//! flag that cannot be honoured is refused (exit 2), data on stdout and messages on stderr,
//! each command's own options before the global ones in `--help` with examples at the end,
//! and a quick start that finds the binary where cargo put it.

mod common;

use common::Sandbox;

#[test]
fn completions_for_each_shell_and_a_man_page() {
    let sb = Sandbox::empty();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = sb.ok(&["completions", shell]);
        assert!(out.contains("claimledger"), "{shell}: {out}");
        for sub in ["source", "claim", "verify", "completions"] {
            assert!(out.contains(sub), "{shell} completions lack {sub}");
        }
    }
    let err = sb.fails(&["completions", "cmd.exe"], 2);
    assert!(err.contains("possible values"), "{err}");
    let man = sb.ok(&["man"]);
    assert!(man.contains(".TH claimledger 1"), "{man}");
    assert!(
        man.contains(".SH NAME") && man.contains("fact\\-checkers"),
        "{man}"
    );
    // Neither is JSON or CSV.
    let err = sb.fails(&["man", "--json"], 2);
    assert!(err.contains("`man` prints only its own format"), "{err}");
    assert!(!sb.db.exists(), "completions and man need no ledger");
}

#[test]
fn a_format_flag_a_command_cannot_honour_is_refused() {
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
    let before = sb.snapshot();
    for args in [
        vec!["audit", "C1", "--csv"],
        vec!["source", "show", &sha, "--csv"],
        vec!["checkpoint", "--csv"],
        vec!["verify", "--csv"],
        vec!["--format", "csv", "verify"],
        vec!["status", "set", "C1", "confirmed", "--csv"],
        vec![
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "Officials",
            "--claimant",
            "Desk",
            "--csv",
        ],
    ] {
        let err = sb.fails(&args, 2);
        assert!(
            err.starts_with("error: `") && err.contains("does not print CSV"),
            "{args:?}: {err}"
        );
    }
    // Nothing was written by the refused writers (checkpoint, status set, claim add).
    assert_eq!(before, sb.snapshot());
    // The tables do print CSV.
    for args in [
        vec!["list", "--csv"],
        vec!["summary", "--csv"],
        vec!["log", "--csv"],
        vec!["source", "list", "--csv"],
        vec!["party", "list", "--csv"],
        vec!["party", "show", "Officials", "--csv"],
        vec!["status", "list", "--csv"],
    ] {
        let out = sb.ok(&args);
        assert!(out.lines().next().unwrap().contains(','), "{args:?}: {out}");
    }
}

#[test]
fn data_on_stdout_messages_on_stderr() {
    let sb = Sandbox::empty();
    let out = sb
        .cmd(&["init", "--origin", "test.example/x"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "init printed data: {:?}", out.stdout);
    assert!(String::from_utf8_lossy(&out.stderr).contains("created ledger"));

    let out = sb
        .cmd(&["party", "add", "Ministry", "--alias", "MoD"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Ministry\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("added party Ministry = MoD"));

    let sha = sb.add_source("a.txt", "Officials said the bridge held.\n");
    let out = sb
        .cmd(&[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "the bridge held",
            "--claimant",
            "Ministry",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "C1\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("C1  the bridge held") && stderr.contains("anchored:"),
        "{stderr}"
    );
    // -q: the same data, no messages.
    let out = sb
        .cmd(&[
            "claim",
            "add",
            "-q",
            "--source",
            &sha,
            "--quote",
            "Officials",
            "--claimant",
            "Desk",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "C2\n");
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_shows_own_options_first_and_ends_with_examples() {
    let sb = Sandbox::empty();
    for (args, own) in [
        (vec!["list", "--help"], "--claimant"),
        (vec!["claim", "add", "--help"], "--quote"),
        (vec!["status", "set", "--help"], "--evidence"),
    ] {
        let help = sb.ok(&args);
        let own_at = help.find(own).unwrap();
        let global_at = help.find("Global options:").expect("a global heading");
        let db_at = help.find("--db").unwrap();
        assert!(own_at < global_at && global_at < db_at, "{args:?}:\n{help}");
        let examples = help.rfind("Examples:").expect("examples");
        assert!(examples > db_at, "examples come last: {help}");
        let example_lines = help[examples..]
            .lines()
            .filter(|l| l.trim_start().starts_with("claimledger "))
            .count();
        assert!((2..=3).contains(&example_lines), "{args:?}: {help}");
        for line in help.lines() {
            assert!(line.chars().count() <= 100, "{args:?}: {line}");
        }
    }
}

#[test]
fn quickstart_finds_the_binary_in_cargo_target_dir() {
    // A stand-in for cargo that "builds" by copying the test binary to where cargo would put
    // it, so the script's logic is tested without a release build.
    let sb = Sandbox::empty();
    let shim = sb.dir.path().join("shim");
    std::fs::create_dir(&shim).unwrap();
    let real = assert_cmd::cargo::cargo_bin("claimledger");
    let cargo = shim.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"   Compiling claimledger (shim)\" >&2\nmkdir -p \"$CARGO_TARGET_DIR/release\"\ncp \"{}\" \"$CARGO_TARGET_DIR/release/claimledger\"\n",
            real.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart.sh");
    let path = format!("{}:/usr/bin:/bin", shim.display());
    let out = std::process::Command::new("bash")
        .arg(&script)
        .current_dir(sb.dir.path())
        .env("PATH", path)
        .env("CARGO_TARGET_DIR", "elsewhere")
        .env("CLAIMLEDGER_DB", sb.dir.path().join("quick.db"))
        .env("CLAIMLEDGER_USER", "tester")
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "quickstart failed: {stderr}");
    assert!(sb.dir.path().join("elsewhere/release/claimledger").exists());
    // The build's progress is shown, not hidden.
    assert!(
        stderr.contains("building claimledger") && stderr.contains("Compiling"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("C1") && stdout.contains("Journal entries"),
        "{stdout}"
    );
}

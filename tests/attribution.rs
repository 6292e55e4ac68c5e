//! Attribution as newsrooms write it: parties and their names, merges, conduit chains,
//! a ledger's own statuses, bulk status changes, search, and the tables editors read.

mod common;

use common::{ARTICLE_V1, Sandbox};
use serde_json::Value;

const STRIKE: &str = "had destroyed at least 40\u{a0}enemy fighters";
const THREAT: &str = "Our units acted to remove an immediate threat to Orvenian territory";
const DENIAL: &str =
    "There were no fighters on the Corrin Bridge last night — not forty, not four, not one";
const CASUALTIES: &str = "Three civilians were killed and 11 were injured";
const GEOLOCATION: &str =
    "it had geolocated two clips of the strike to the eastern span of the bridge";
const UNNAMED: &str = "approved in Lutrava at the highest level";
const TARGETS: &str = "all targets were verified before engagement";

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// The example article logged the way a desk would: one ministry under three names, an
/// unnamed official through a newspaper, an OSINT account through a network.
fn desk() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let sha = sb.add_source("report-v1.txt", ARTICLE_V1);
    sb.ok(&[
        "party",
        "add",
        "Ministry of Defence of Orvenia",
        "--kind",
        "government",
        "--alias",
        "the MoD",
    ]);
    sb.ok(&[
        "party",
        "add",
        "a senior Orvenian official",
        "--kind",
        "unnamed",
        "--description",
        "spoke on condition of anonymity",
    ]);
    for (quote, claimant, via) in [
        (STRIKE, "the MoD", &[][..]),
        (THREAT, "THE MOD", &[][..]),
        (DENIAL, "Aurel Kastellan", &[][..]),
        (CASUALTIES, "Haldmere district council", &[][..]),
        (GEOLOCATION, "Lantern Maps", &["Chirrup"][..]),
        (
            UNNAMED,
            "a senior Orvenian official",
            &["The Meridian Courier", "Northgate Wire"][..],
        ),
        (TARGETS, "Orvenian Defence Ministry", &[][..]),
    ] {
        let mut args = vec![
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            quote,
            "--claimant",
            claimant,
        ];
        for v in via {
            args.extend(["--via", v]);
        }
        sb.ok(&args);
    }
    (sb, sha)
}

#[test]
fn parties_have_kinds_and_unnamed_sources_are_first_class() {
    let (sb, _) = desk();
    let parties = sb.json(&["party", "list"]);
    let find = |name: &str| {
        parties
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no party {name}"))
            .clone()
    };
    assert_eq!(find("a senior Orvenian official")["kind"], "unnamed");
    assert_eq!(
        find("a senior Orvenian official")["description"],
        "spoke on condition of anonymity"
    );
    assert_eq!(find("Ministry of Defence of Orvenia")["kind"], "government");
    assert_eq!(find("Ministry of Defence of Orvenia")["claims"], 2);
    // A claimant first named with an article ("a ...") is taken for an unnamed source.
    sb.ok(&[
        "claim",
        "add",
        "--source",
        "report-v1",
        "--quote",
        "no Orvenian personnel had been hurt",
        "--claimant",
        "an Orvenian aide",
    ]);
    assert_eq!(
        sb.json(&["party", "show", "an orvenian aide"])["party"]["kind"],
        "unnamed"
    );
}

#[test]
fn merged_parties_keep_their_history() {
    let (sb, _) = desk();
    // Later the desk learns "Orvenian Defence Ministry" is the same ministry.
    let merged = sb.json(&["party", "merge", "the mod", "orvenian defence MINISTRY"]);
    assert_eq!(merged["name"], "Ministry of Defence of Orvenia");
    assert_eq!(
        merged["names"],
        serde_json::json!([
            "Ministry of Defence of Orvenia",
            "the MoD",
            "Orvenian Defence Ministry"
        ])
    );
    // Its claim moved; the old name still finds the party.
    let list = sb.json(&["list", "--claimant", "Orvenian Defence Ministry"]);
    assert_eq!(ids(&list), ["C1", "C2", "C7"]);
    assert_eq!(list[2]["claimant"], "Ministry of Defence of Orvenia");
    // History keeps the name as it was typed.
    let shown = sb.json(&["party", "show", "Ministry of Defence of Orvenia"]);
    let c7 = shown["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "C7")
        .unwrap()
        .clone();
    assert_eq!(c7["as_typed"], "Orvenian Defence Ministry");
    assert_eq!(
        sb.json(&["audit", "C7"])["claimant_as"],
        "Orvenian Defence Ministry"
    );
    let log = sb.json(&["log", "--limit", "1"]);
    assert_eq!(log[0]["kind"], "party.merge");
    // The merged party is gone from the list, and merging again is refused.
    let names: Vec<String> = sb
        .json(&["party", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !names.contains(&"Orvenian Defence Ministry".to_string()),
        "{names:?}"
    );
    sb.refuses(
        &["party", "merge", "the MoD", "Orvenian Defence Ministry"],
        "already the same party",
    );
    sb.refuses(
        &["party", "merge", "the MoD", "Nobody"],
        "party 'Nobody' not found",
    );
}

#[test]
fn conduit_chains_are_ordered_and_read_as_people_write_them() {
    let (sb, _) = desk();
    let c6 = &sb.json(&["list", "--via", "northgate wire"])[0];
    assert_eq!(c6["id"], "C6");
    assert_eq!(
        c6["via"],
        serde_json::json!(["The Meridian Courier", "Northgate Wire"])
    );
    assert_eq!(
        ids(&sb.json(&["list", "--via", "The Meridian Courier"])),
        ["C6"]
    );
    let table = sb
        .cmd(&["list"])
        .env("COLUMNS", "200")
        .output()
        .unwrap()
        .stdout;
    let table = String::from_utf8(table).unwrap();
    assert!(
        table.contains("a senior Orvenian official via The Meridian Courier via Northgate Wire"),
        "{table}"
    );
    let audit = sb.ok(&["audit", "C6"]);
    assert!(
        audit
            .contains("a senior Orvenian official → via The Meridian Courier → via Northgate Wire"),
        "{audit}"
    );
    // The conduit's own record shows what it relayed.
    let shown = sb.json(&["party", "show", "Northgate Wire"]);
    assert_eq!(shown["claims"][0]["role"], "relayed");
}

#[test]
fn a_ledger_defines_its_own_statuses() {
    let (sb, _) = desk();
    let defined = sb.json(&[
        "status",
        "define",
        "mostly-false",
        "--label",
        "mostly false",
        "--rating",
        "Mostly False",
    ]);
    assert_eq!(defined["builtin"], false);
    sb.ok(&[
        "status",
        "define",
        "refuted",
        "--label",
        "refuted",
        "--takes-party",
        "--rating",
        "False",
    ]);
    let list = sb.json(&["status", "list"]);
    let custom: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["builtin"] == false)
        .collect();
    assert_eq!(custom.len(), 2);
    assert_eq!(custom[0]["rating"], "Mostly False");
    assert_eq!(custom[1]["takes_party"], true);
    // Without a party, with a party, and refused without the party it needs.
    sb.ok(&["status", "set", "C1", "mostly false"]);
    assert_eq!(
        sb.json(&["list", "--status", "mostly-false"])[0]["status_label"],
        "mostly false"
    );
    sb.refuses(&["status", "set", "C2", "refuted"], "needs a party");
    sb.ok(&[
        "status",
        "set",
        "C2",
        "refuted",
        "--by",
        "Ansel Basin Commission",
    ]);
    assert_eq!(
        sb.json(&["list", "--status", "refuted"])[0]["status_label"],
        "refuted by Ansel Basin Commission"
    );
    // Names and labels are unique.
    sb.refuses(
        &["status", "define", "denied", "--label", "denied again"],
        "already exists",
    );
    sb.refuses(
        &["status", "define", "fake", "--label", "Mostly False"],
        "already exists",
    );
    sb.refuses(
        &["status", "define", "two words", "--label", "x"],
        "invalid status name",
    );
}

#[test]
fn a_status_is_set_on_many_claims_at_once() {
    let (sb, _) = desk();
    let before = sb.count("SELECT count(*) FROM journal");
    let out = sb.ok(&[
        "status",
        "set",
        "C1",
        "c2",
        "3",
        "unconfirmed",
        "--note",
        "no images released",
    ]);
    assert_eq!(
        out,
        "C1  not independently confirmed\nC2  not independently confirmed\nC3  not independently confirmed\n"
    );
    assert_eq!(
        sb.count("SELECT count(*) FROM journal") - before,
        3,
        "one journal entry per claim"
    );
    // From list filters: every claim of the ministry that is still unconfirmed.
    let set = sb.json(&[
        "status",
        "set",
        "--all-matching",
        "--claimant",
        "the MoD",
        "--status",
        "unconfirmed",
        "disputed",
    ]);
    assert_eq!(ids(&set), ["C1", "C2"]);
    assert_eq!(
        ids(&sb.json(&["list", "--status", "disputed"])),
        ["C1", "C2"]
    );
    // --all-matching answers with an array even when one claim matches; one named claim
    // answers with one object.
    let one = sb.json(&[
        "status",
        "set",
        "--all-matching",
        "--claimant",
        "Lantern Maps",
        "unconfirmed",
    ]);
    assert_eq!(ids(&one), ["C5"]);
    assert_eq!(sb.json(&["status", "set", "C5", "confirmed"])["id"], "C5");
    // One bad id and nothing is written for any of them.
    sb.refuses(
        &["status", "set", "C4", "C99", "confirmed"],
        "claim 'C99' not found",
    );
    assert_eq!(
        sb.json(&["audit", "C4"])["history"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Filters without --all-matching, and --all-matching with ids, are usage errors.
    let before = sb.snapshot();
    let stderr = sb.fails(
        &["status", "set", "C4", "confirmed", "--claimant", "the MoD"],
        2,
    );
    assert!(stderr.contains("only with --all-matching"), "{stderr}");
    let stderr = sb.fails(&["status", "set", "--all-matching", "C4", "confirmed"], 2);
    assert!(stderr.contains("give only the status"), "{stderr}");
    assert_eq!(before, sb.snapshot());
    sb.refuses(
        &[
            "status",
            "set",
            "--all-matching",
            "--claimant",
            "Lantern Maps",
            "--status",
            "false",
            "confirmed",
        ],
        "no claim matches",
    );
}

#[test]
fn full_text_search_over_statements_and_quotes() {
    let (sb, sha) = desk();
    assert_eq!(
        ids(&sb.json(&["list", "--search", "civilians injured"])),
        ["C4"]
    );
    // Words are matched as prefixes, in any case, across statement and quotes.
    assert_eq!(ids(&sb.json(&["list", "--search", "GEOLOC"])), ["C5"]);
    // A statement in the desk's own words is searched too, and so is the quote.
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        "Lutrava has not said which unit carried out the strike",
        "--claimant",
        "Northgate Wire",
        "--statement",
        "Ministry silent on the drone unit",
    ]);
    assert_eq!(ids(&sb.json(&["list", "--search", "silent drone"])), ["C8"]);
    assert_eq!(ids(&sb.json(&["list", "--search", "which unit"])), ["C8"]);
    // A cited appearance's quote becomes searchable.
    let other = sb.add_source(
        "wire.txt",
        "Wire: officials say all targets were verified before engagement, again.",
    );
    sb.ok(&[
        "claim",
        "cite",
        "C7",
        "--source",
        &other,
        "--quote",
        "officials say all targets were verified",
    ]);
    assert_eq!(
        ids(&sb.json(&["list", "--search", "officials say"])),
        ["C7"]
    );
    // Diacritics are folded; FTS syntax is taken literally; no match is an empty table.
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &other,
        "--quote",
        "again",
        "--claimant",
        "x",
        "--statement",
        "Café owner saw the strike",
    ]);
    assert_eq!(ids(&sb.json(&["list", "--search", "cafe"])), ["C9"]);
    assert!(ids(&sb.json(&["list", "--search", "NEAR(\"x\" OR)"])).is_empty());
    assert!(ids(&sb.json(&["list", "--search", "zebra"])).is_empty());
}

#[test]
fn list_sorts_and_filters_by_document_and_date() {
    let (sb, _) = desk();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        "report-v1",
        "--quote",
        "no Orvenian personnel had been hurt",
        "--claimant",
        "the MoD",
        "--said",
        "2026-03-02",
    ]);
    sb.ok(&["status", "set", "C3", "denied", "--by", "the MoD"]);
    let by_claimant = ids(&sb.json(&["list", "--sort", "claimant"]));
    // "a senior…" < "Aurel…" < "Haldmere…" < "Lantern…" < "Ministry…" (C1, C2, and C8 by
    // its alias "the MoD") < "Orvenian Defence Ministry".
    assert_eq!(
        by_claimant,
        ["C6", "C3", "C4", "C5", "C1", "C2", "C8", "C7"]
    );
    let by_status = ids(&sb.json(&["list", "--sort", "status"]));
    assert_eq!(by_status[0], "C3", "denied sorts before unverified");
    assert_eq!(ids(&sb.json(&["list", "--until", "2026-03-02"])), ["C8"]);
    assert_eq!(ids(&sb.json(&["list", "--since", "2026-03-03"])).len(), 7);
    assert_eq!(ids(&sb.json(&["list", "--document", "report-v1"])).len(), 8);
    sb.refuses(&["list", "--since", "March"], "invalid --since");
    assert_eq!(ids(&sb.json(&["list", "--sort", "said"]))[0], "C8");
}

/// The status table and the summary, exactly as an editor sees them at 100 columns.
#[test]
fn snapshots_of_list_and_summary() {
    let (sb, _) = desk();
    sb.ok(&["status", "set", "C1", "unconfirmed"]);
    sb.ok(&["status", "set", "C2", "disputed"]);
    sb.ok(&["status", "set", "C3", "denied", "--by", "the MoD"]);
    sb.ok(&["status", "set", "C5", "confirmed"]);
    let run = |args: &[&str]| {
        let out = sb.cmd(args).env("COLUMNS", "100").output().unwrap();
        common::assert_success(args, &out);
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&["list"]), format!("{LIST_AT_100}\n"));
    assert_eq!(run(&["summary"]), format!("{SUMMARY_AT_100}\n"));
    // Piped with no width, nothing is cut and every row stays on one line.
    let piped = sb.ok(&["summary"]);
    assert!(
        piped.contains("│ Ministry of Defence of Orvenia ┆"),
        "{piped}"
    );
    assert_eq!(piped.lines().count(), 11);
}

const LIST_AT_100: &str = "\
╭────┬─────────────────────────────────────┬────────────────────────────────┬──────────────────────╮
│ id ┆ statement                           ┆ claimed by                     ┆ status               │
╞════╪═════════════════════════════════════╪════════════════════════════════╪══════════════════════╡
│ C1 ┆ had destroyed at least 40 enemy fi… ┆ Ministry of Defence of Orvenia ┆ not independently    │
│    ┆                                     ┆                                ┆ confirmed            │
│ C2 ┆ Our units acted to remove an immed… ┆ Ministry of Defence of Orvenia ┆ disputed             │
│ C3 ┆ There were no fighters on the Corr… ┆ Aurel Kastellan                ┆ denied by Ministry   │
│    ┆                                     ┆                                ┆ of Defence of        │
│    ┆                                     ┆                                ┆ Orvenia              │
│ C4 ┆ Three civilians were killed and 11… ┆ Haldmere district council      ┆ unverified           │
│ C5 ┆ it had geolocated two clips of the… ┆ Lantern Maps via Chirrup       ┆ confirmed            │
│ C6 ┆ approved in Lutrava at the highest… ┆ a senior Orveni…Northgate Wire ┆ unverified           │
│ C7 ┆ all targets were verified before e… ┆ Orvenian Defence Ministry      ┆ unverified           │
╰────┴─────────────────────────────────────┴────────────────────────────────┴──────────────────────╯";

const SUMMARY_AT_100: &str = "\
╭───────────────────────────────┬────────────┬─────────────┬───────────┬──────────┬────────┬───────╮
│ claimant                      ┆ unverified ┆ unconfirmed ┆ confirmed ┆ disputed ┆ denied ┆ total │
╞═══════════════════════════════╪════════════╪═════════════╪═══════════╪══════════╪════════╪═══════╡
│ Ministry of…of Orvenia        ┆            ┆           1 ┆           ┆        1 ┆        ┆     2 │
│ Aurel Kastellan               ┆            ┆             ┆           ┆          ┆      1 ┆     1 │
│ Haldmere district council     ┆          1 ┆             ┆           ┆          ┆        ┆     1 │
│ Lantern Maps                  ┆            ┆             ┆         1 ┆          ┆        ┆     1 │
│ Orvenian Defence Ministry     ┆          1 ┆             ┆           ┆          ┆        ┆     1 │
│ a senior Orvenian official    ┆          1 ┆             ┆           ┆          ┆        ┆     1 │
│ all claimants                 ┆          3 ┆           1 ┆         1 ┆        1 ┆      1 ┆     7 │
╰───────────────────────────────┴────────────┴─────────────┴───────────┴──────────┴────────┴───────╯";

#[test]
fn merging_a_conduit_into_its_claimant_collapses_the_chain_and_audit_shows_the_merge() {
    let sb = Sandbox::new();
    let sha = sb.add_source("report-v1.txt", ARTICLE_V1);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        GEOLOCATION,
        "--claimant",
        "Lantern Maps",
        "--via",
        "@lanternmaps",
        "--via",
        "Chirrup",
    ]);
    sb.ok(&["party", "alias", "Lantern Maps", "Lantern"]);
    sb.ok(&["party", "merge", "Lantern Maps", "@lanternmaps"]);
    let c1 = &sb.json(&["list"])[0];
    assert_eq!(c1["claimant"], "Lantern Maps");
    assert_eq!(c1["via"], serde_json::json!(["Chirrup"]));
    // The audit (and so the proof) covers the entries that shaped the attribution.
    let kinds: Vec<String> = sb.json(&["audit", "C1"])["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    for kind in ["party.alias", "party.merge"] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} missing from {kinds:?}"
        );
    }
    assert_eq!(
        kinds.iter().filter(|k| *k == "party.add").count(),
        3,
        "{kinds:?}"
    );
    sb.ok(&["verify"]);
}

#[test]
fn a_party_named_in_passing_gets_its_kind_and_description_later() {
    let (sb, sha) = desk();
    let out = sb
        .cmd(&[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "the only road crossing over the River Ansel",
            "--claimant",
            "Ansel Basin Commission",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("party set \"Ansel Basin Commission\" --kind K")
    );
    let set = sb.json(&[
        "party",
        "set",
        "ansel basin commission",
        "--kind",
        "organisation",
        "--description",
        "runs the bridge for both governments",
    ]);
    assert_eq!(set["kind"], "organisation");
    assert_eq!(set["description"], "runs the bridge for both governments");
    assert_eq!(sb.json(&["log", "--limit", "1"])[0]["kind"], "party.update");
    let stderr = sb.fails(&["party", "set", "Ansel Basin Commission"], 2);
    assert!(stderr.contains("say what to set"), "{stderr}");
    sb.refuses(
        &["party", "set", "Nobody", "--kind", "person"],
        "party 'Nobody' not found",
    );
    sb.refuses(
        &["party", "set", "Ansel Basin Commission", "--kind", "alien"],
        "unknown party kind",
    );
    sb.ok(&["verify"]);
}

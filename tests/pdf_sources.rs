//! PDFs as sources: quotes anchor in the text `pdftotext` extracts, page by page; a PDF
//! with no text layer is evidence only. The fixture PDFs are made here with ps2pdf from
//! PostScript written by hand.

mod common;

use std::process::Command;

use common::Sandbox;

const STATEMENT_PS: &str = "%!PS
/Helvetica findfont 12 scalefont setfont
72 720 moveto (Ministry of Health statement, page one.) show
72 700 moveto (The minister said the new clinic will open) show
72 686 moveto (in the spring of next year.) show
showpage
/Helvetica findfont 12 scalefont setfont
72 720 moveto (Page two: waiting lists fell by a third.) show
showpage
";

/// A page with a drawing and no text, as a scan has.
const SCAN_PS: &str = "%!PS
newpath 100 100 moveto 300 300 lineto 5 setlinewidth stroke
showpage
";

fn require(program: &str) {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "'{program}' is missing: run `bash scripts/deps/poppler.sh` (or scripts/test.sh)"
    );
}

/// Makes a PDF in the sandbox from PostScript; returns its path.
fn pdf(sb: &Sandbox, name: &str, ps: &str) -> String {
    require("ps2pdf");
    require("pdftotext");
    let ps_path = sb.file(&format!("{name}.ps"), ps);
    let out = sb.dir.path().join(format!("{name}.pdf"));
    let status = Command::new("ps2pdf")
        .arg(&ps_path)
        .arg(&out)
        .status()
        .expect("ps2pdf runs");
    assert!(status.success());
    out.to_str().unwrap().to_string()
}

fn pdftotext_version() -> String {
    let out = Command::new("pdftotext").arg("-v").output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = text
        .lines()
        .find_map(|l| l.strip_prefix("pdftotext version "))
        .unwrap();
    format!("pdftotext {}", v.trim())
}

#[test]
fn quotes_anchor_in_a_pdfs_text_with_their_page() {
    let sb = Sandbox::new();
    let path = pdf(&sb, "statement", STATEMENT_PS);
    let out = sb.cmd(&["source", "add", &path]).output().unwrap();
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    let by = pdftotext_version();
    assert!(
        note.contains(&format!(
            "quotes anchor in the text a reader sees, derived by {by}"
        )),
        "{note}"
    );
    let (extractor, text): (String, String) = sb
        .sql()
        .query_row("SELECT extractor, text FROM derived_texts", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(extractor, by);
    assert_eq!(text.matches('\u{c}').count(), 2, "two pages: {text:?}");

    // A quote across a line break of page one.
    let quote = "the new clinic will open in the spring of next year";
    let c = sb.json(&[
        "claim",
        "add",
        "--source",
        "statement@1",
        "--quote",
        quote,
        "--claimant",
        "minister",
    ]);
    let a = &c["appearances"][0];
    assert_eq!(
        a["exact"],
        "the new clinic will open\nin the spring of next year"
    );
    let start = a["start"].as_u64().unwrap() as usize;
    assert_eq!(
        text.chars().skip(start).take(24).collect::<String>(),
        "the new clinic will open"
    );
    // A quote on page two.
    sb.ok(&[
        "claim",
        "add",
        "--source",
        "statement@1",
        "--quote",
        "waiting lists fell by a third",
        "--claimant",
        "minister",
    ]);
    let audit = sb.ok(&["audit", "C1"]);
    assert!(audit.contains("page 1, line 2:"), "{audit}");
    let audit = sb.ok(&["audit", "C2"]);
    assert!(audit.contains("page 2, line "), "{audit}");
    assert_eq!(sb.json(&["audit", "C2"])["appearances"][0]["page"], 2);
    sb.ok(&["verify"]);
    // Without pdftotext, verify cannot check the text, and says so.
    let empty = tempfile::tempdir().unwrap();
    let out = sb
        .cmd(&["verify"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("cannot be checked: pdftotext is not installed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // verify derives the text again.
    sb.sql()
        .execute(
            "UPDATE derived_texts SET text = replace(text, 'third', 'half')",
            [],
        )
        .unwrap();
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("is not the text {by} derives")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_pdf_with_no_text_layer_is_evidence_and_refuses_quotes() {
    let sb = Sandbox::new();
    let path = pdf(&sb, "scan", SCAN_PS);
    let out = sb.cmd(&["source", "add", &path]).output().unwrap();
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(note.contains("a PDF with no text layer"), "{note}");
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            "scan@1",
            "--quote",
            "anything",
            "--claimant",
            "x",
        ],
        "is a PDF with no text layer",
    );
    // It can still be cited as evidence.
    let text = sb.file("article.txt", "The agency said the road is closed.");
    sb.ok(&["source", "add", &text]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        "article@1",
        "--quote",
        "the road is closed",
        "--claimant",
        "agency",
    ]);
    sb.ok(&[
        "status",
        "set",
        "C1",
        "false",
        "--evidence",
        "scan@1",
        "--note",
        "photo of the open road",
    ]);
    sb.ok(&["verify"]);
}

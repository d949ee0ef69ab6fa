//! End to end: the command line for the people who run it (issue 14 item 8): examples under every
//! command's `--help`, `--color auto|always|never` and `NO_COLOR`, and counts with the right plural.

mod common;

use common::*;

fn output(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut c = vanban();
    c.env_remove("NO_COLOR").args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = run(c);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn every_command_has_examples_under_help() {
    let commands = [
        "ingest",
        "merge",
        "ocr",
        "restore",
        "extract",
        "diff",
        "apply-review",
        "eval",
        "eval-docs",
        "bench",
        "dict",
    ];
    let (_, top, _) = output(&["--help"], &[]);
    for c in commands {
        assert!(
            top.contains(&format!("  {c} ")),
            "{c} missing from vanban --help:\n{top}"
        );
        let (code, help, err) = output(&[c, "--help"], &[]);
        assert_eq!(code, Some(0), "{err}");
        let examples = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{c}: {help}"));
        assert!(
            examples.contains(&format!("vanban {c}"))
                || c == "dict" && examples.contains("vanban dict build"),
            "{c}'s examples do not show it:\n{examples}"
        );
    }
    let (_, help, _) = output(&["dict", "build", "--help"], &[]);
    assert!(help.contains("Examples:\n  vanban dict build"), "{help}");
}

#[test]
fn color_follows_the_option_then_no_color() {
    let text = fixture("ocr-eng.txt");
    let t = text.to_str().unwrap();
    let esc = |s: &str| s.contains('\u{1b}');
    // Piped (not a terminal): plain by default, coloured when asked, whatever NO_COLOR says.
    assert!(!esc(&output(&["diff", t], &[]).1));
    assert!(esc(&output(&["--color", "always", "diff", t], &[]).1));
    assert!(esc(&output(
        &["diff", t, "--color=always"],
        &[("NO_COLOR", "1")]
    )
    .1));
    assert!(!esc(&output(&["--color", "never", "diff", t], &[]).1));
    // The logs too: a warning (a folder link not followed) on stderr.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::copy(&text, dir.path().join("in/a.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("in"), dir.path().join("in/loop")).unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    let args = |c: &'static str| {
        vec![
            "--color".to_string(),
            c.to_string(),
            "ingest".into(),
            input.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ]
    };
    let run_with = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        output(&a, &[])
    };
    let (_, _, err) = run_with(args("always"));
    assert!(err.contains("not followed") && esc(&err), "{err}");
    let (_, _, err) = run_with(args("never"));
    assert!(err.contains("not followed") && !esc(&err), "{err}");
}

#[test]
fn counts_have_the_right_plural() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = output(
        &[
            "ingest",
            fixture("ocr-eng.txt").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(": 1 page, 235 changes (24 uncertain)"),
        "{err}"
    );
    assert!(
        err.contains("vanban: 1 document: 1 converted, 0 skipped, 0 failed; 1 page in "),
        "{err}"
    );
    std::fs::copy(fixture("thong-bao-nfd-old.txt"), dir.path().join("b.txt")).unwrap();
    let (_, _, err) = output(
        &[
            "ingest",
            fixture("ocr-eng.txt").to_str().unwrap(),
            dir.path().join("b.txt").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        err.contains("vanban: 2 documents: 1 converted, 1 skipped, 0 failed; 1 page in "),
        "{err}"
    );
}

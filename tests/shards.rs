//! End to end: a batch split into shards (issue 14 item 6). Three shard processes started side by
//! side as each batch engine starts them (a Kubernetes Indexed Job's variables, a Slurm array's, and
//! `--shard K/N` with `--files-from -`), then `vanban merge`, give exactly the files of one unsharded
//! run: every document's outputs byte for byte, and the batch's summary, manifest, failures and
//! index (timings aside). Also: a shard already running is refused, other shards are not; an
//! unsharded run waits for no shard; merge names the shards that are missing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::*;

/// A flat folder of inputs: ten text documents, a TIFF scan, a born-digital PDF and two
/// broken PDFs (one of them fails).
fn inputs(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let input = dir.join("in");
    std::fs::create_dir(&input).unwrap();
    for i in 0..10 {
        let src = if i % 2 == 0 {
            "ocr-eng.txt"
        } else {
            "thong-bao-nfd-old.txt"
        };
        std::fs::copy(fixture(src), input.join(format!("van-ban-{i:02}.txt"))).unwrap();
    }
    for f in [
        "thong-bao-tiff.tif",
        "bao-cao-digital.pdf",
        "bad/corrupt.pdf",
        "bad/not-a-pdf.pdf",
    ] {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(fixture(f), input.join(name)).unwrap();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&input)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    (input, files)
}

/// Every file under `out` (relative path → bytes), without the shards' own folders and the lock.
fn tree(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .filter(|(rel, _)| !rel.starts_with("shards/") && rel != ".vanban.lock")
        .collect()
}

/// A file as compared: summary.json without its timings and worker count; JSON Lines sorted (an
/// unsharded run writes them in the order documents finish); every other file byte for byte.
fn comparable(name: &str, bytes: &[u8]) -> Vec<u8> {
    let text = || String::from_utf8(bytes.to_vec()).unwrap();
    match name {
        "summary.json" => {
            let mut v: serde_json::Value = serde_json::from_str(&text()).unwrap();
            for k in ["seconds", "pages_per_minute", "jobs"] {
                v.as_object_mut().unwrap().remove(k).expect(k);
            }
            serde_json::to_vec_pretty(&v).unwrap()
        }
        "documents.jsonl" | "failures.jsonl" => {
            let t = text();
            let mut lines: Vec<&str> = t.lines().collect();
            lines.sort();
            lines.join("\n").into_bytes()
        }
        _ => bytes.to_vec(),
    }
}

#[test]
fn shards_then_merge_equal_one_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    let (input, files) = inputs(dir.path());
    let (whole, sharded) = (dir.path().join("whole"), dir.path().join("sharded"));

    // The searchable PDFs' dates are the run's time unless SOURCE_DATE_EPOCH fixes them.
    let vanban = || {
        let mut c = common::vanban();
        c.env("SOURCE_DATE_EPOCH", "1767225600");
        c
    };
    let mut c = vanban();
    c.arg("ingest")
        .arg(&input)
        .arg("--out")
        .arg(&whole)
        .args(["--jobs", "2"]);
    let o = run(c);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // The three shards at once, each told its part the way its engine tells it.
    let shard = |env: &[(&str, &str)], args: &[&str]| {
        let mut c = vanban();
        for (k, v) in env {
            c.env(k, v);
        }
        c.arg("ingest")
            .arg(&input)
            .arg("--out")
            .arg(&sharded)
            .args(["--jobs", "1"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c.spawn().unwrap()
    };
    let k8s = shard(
        &[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "3")],
        &["--shard", "auto"],
    );
    // `sbatch --array=5-7`: task ids 5, 6, 7.
    let slurm = shard(
        &[
            ("SLURM_ARRAY_TASK_ID", "6"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
        &["--shard", "auto"],
    );
    // The third is given the same files as a list on standard input (no folder).
    let mut listed = vanban();
    listed
        .arg("ingest")
        .args([
            "--files-from",
            "-",
            "--shard",
            "3/3",
            "--jobs",
            "1",
            "--out",
        ])
        .arg(&sharded)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut listed = listed.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = listed.stdin.take().unwrap();
        for f in &files {
            writeln!(stdin, "{}", f.display()).unwrap();
        }
    }
    let mut parts = 0;
    for child in [k8s, slurm, listed] {
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{err}");
        assert!(err.contains("vanban: shard "), "{err}");
        parts += 1;
    }
    assert_eq!(parts, 3);
    for k in 1..=3 {
        let s = read_json(&sharded.join(format!("shards/{k}-of-3/summary.json")));
        assert!(
            s["documents"].as_u64().unwrap() > 0,
            "shard {k} got no input: {s}"
        );
    }
    assert!(!sharded.join("summary.json").exists());

    let mut c = vanban();
    c.arg("merge").arg(&sharded);
    let o = run(c);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "a broken input failed: {err}");
    assert!(err.contains("merged 3 shards"), "{err}");

    let (a, b) = (tree(&whole), tree(&sharded));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (name, bytes) in &a {
        let (x, y) = (comparable(name, bytes), comparable(name, &b[name]));
        let shown = |v: &[u8]| String::from_utf8_lossy(&v[..v.len().min(3000)]).into_owned();
        assert!(x == y, "{name} differs:\n{}\n---\n{}", shown(&x), shown(&y));
    }
    assert!(a.len() > 40, "{} files", a.len());
    let summary = read_json(&sharded.join("summary.json"));
    assert_eq!(summary["documents"], 14);
    assert!(summary["failed"].as_u64().unwrap() >= 1, "{summary}");
}

#[test]
fn a_running_shard_excludes_itself_only_and_merge_wants_every_shard() {
    use rustix::fs::{flock, FlockOperation};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for i in 0..4 {
        std::fs::copy(fixture("ocr-eng.txt"), input.join(format!("t{i}.txt"))).unwrap();
    }
    let out = dir.path().join("out");
    let ingest = |args: &[&str]| {
        let mut c = vanban();
        c.arg("ingest")
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .args(args);
        let o = run(c);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    // Shard 1 of 2 "running": this test holds its lock as a run would.
    std::fs::create_dir_all(out.join("shards/1-of-2")).unwrap();
    let held = std::fs::File::create(out.join("shards/1-of-2/.vanban.lock")).unwrap();
    flock(&held, FlockOperation::LockExclusive).unwrap();
    let (code, err) = ingest(&["--shard", "1/2"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("shard 1-of-2 is already being converted"),
        "{err}"
    );
    // Shard 2 runs beside it.
    let (code, err) = ingest(&["--shard", "2/2"]);
    assert_eq!(code, Some(0), "{err}");
    // Merge names the shard that has not finished.
    let mut c = vanban();
    c.arg("merge").arg(&out);
    let o = run(c);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("1 shard not finished (no summary.json): 1-of-2"),
        "{err}"
    );
    drop(held);

    // While a shard runs (its shared hold on the folder's lock), an unsharded run is refused.
    let whole = std::fs::File::open(out.join(".vanban.lock")).unwrap();
    flock(&whole, FlockOperation::LockShared).unwrap();
    let (code, err) = ingest(&[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is writing to this folder"), "{err}");
    drop(whole);
    let (code, err) = ingest(&["--shard", "1/2"]);
    assert_eq!(code, Some(0), "{err}");
    let mut c = vanban();
    c.arg("merge").arg(&out);
    assert_eq!(run(c).status.code(), Some(0));
    assert_eq!(read_json(&out.join("summary.json"))["documents"], 4);
}

//! `vanban merge OUT`: joins the batch files of the shards of a sharded run
//! (`<out>/shards/K-of-N/summary.json`, `documents.jsonl`, `failures.jsonl`) into the batch's own
//! `summary.json`, `documents.jsonl`, `failures.jsonl` and `index.html` at the root of `OUT`, as one
//! unsharded run would have written them (documents in input order, failures in path order; the
//! timings are the shards'). Every shard 1..N must have finished (its `summary.json` written).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Deserialize;

use crate::ingest::{Failure, Summary};
use crate::shard::{Shard, SHARDS_DIR};
use crate::{Global, EXIT_OK, EXIT_SOME_FAILED};

/// Arguments of `vanban merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The `--out` folder the shards wrote to.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

/// The fields of a `documents.jsonl` line the batch index needs.
#[derive(Deserialize)]
struct Line {
    input: String,
    status: String,
    pages: Option<u32>,
    outputs: Vec<String>,
    changes: Option<u32>,
    uncertain: Option<u32>,
}

/// Runs `vanban merge`.
pub fn run(g: &Global, args: MergeArgs) -> Result<u8> {
    let out = &args.out;
    let shown = vanban_input::shown(out);
    if !out.is_dir() {
        bail!("{shown}: no such folder");
    }
    let _lock = crate::ingest::lock_for_merge(out)?;
    let shards = find_shards(out)?;
    let count = shards.len();
    let mut summary = Summary::default();
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut index = Vec::new();
    let mut jsonl_failures: Vec<String> = Vec::new();
    for (shard, dir) in &shards {
        let path = dir.join("summary.json");
        let s: Summary = serde_json::from_slice(
            &std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?,
        )
        .with_context(|| format!("{}: not a vanban summary", path.display()))?;
        summary.documents += s.documents;
        summary.converted += s.converted;
        summary.redone += s.redone;
        summary.skipped += s.skipped;
        summary.failed += s.failed;
        summary.pages += s.pages;
        summary.seconds = summary.seconds.max(s.seconds);
        summary.pages_per_minute += s.pages_per_minute;
        summary.jobs += s.jobs;
        summary.interrupted |= s.interrupted;
        summary.failures.extend(s.failures);
        if s.interrupted {
            tracing::warn!(
                "shard {} was interrupted: its part is incomplete",
                shard.name()
            );
        }
        let manifest = dir.join(crate::manifest::MANIFEST);
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("{}: cannot read", manifest.display()))?;
        for (n, raw) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let l: Line = serde_json::from_str(raw).with_context(|| {
                format!(
                    "{}: line {}: not a manifest line",
                    manifest.display(),
                    n + 1
                )
            })?;
            if l.status != "failed" {
                let stem = l
                    .outputs
                    .iter()
                    .find_map(|o| o.strip_suffix(".json"))
                    .unwrap_or_default()
                    .to_string();
                // the document's row as the index shows it (type, number, date, what needs a
                // look), from its JSON; the manifest's counts when that cannot be read
                let json = out.join(format!("{stem}.json"));
                index.push(vanban_review::IndexEntry::from_outputs(
                    stem,
                    l.input.clone(),
                    (
                        l.pages.unwrap_or(0),
                        l.changes.unwrap_or(0),
                        l.uncertain.unwrap_or(0),
                    ),
                    &json,
                ));
            }
            lines.push((l.input, raw.to_string()));
        }
        let failures = dir.join("failures.jsonl");
        if let Ok(text) = std::fs::read_to_string(&failures) {
            jsonl_failures.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(String::from),
            );
        }
    }
    // The order an unsharded run gives: documents by input, failures by path.
    lines.sort();
    summary.failures.sort_by(|a, b| a.path.cmp(&b.path));
    jsonl_failures.sort_by_key(|l| {
        serde_json::from_str::<Failure>(l)
            .map(|f| f.path)
            .unwrap_or_default()
    });
    index.sort_by(|a, b| a.output_stem.cmp(&b.output_stem));
    for f in &summary.failures {
        index.push(vanban_review::IndexEntry::failed(
            String::new(),
            f.path.clone(),
            f.reason.clone(),
        ));
    }
    let joined = |v: Vec<String>| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    let plain = |e: vanban_doc::WriteError| anyhow::anyhow!("{e}");
    let write =
        |name: &str, bytes: &[u8]| vanban_doc::write_atomic(&out.join(name), bytes).map_err(plain);
    write(
        crate::manifest::MANIFEST,
        joined(lines.into_iter().map(|(_, l)| l).collect()).as_bytes(),
    )?;
    write("failures.jsonl", joined(jsonl_failures).as_bytes())?;
    write("index.html", vanban_review::index_html(&index).as_bytes())?;
    // Last: a summary.json present describes a finished batch.
    write(
        "summary.json",
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    if !g.quiet {
        eprintln!(
            "vanban: merged {} into {}: {}: {} converted, {} skipped, {} failed; {}{}",
            crate::words::count(count as u64, "shard", "shards"),
            shown,
            crate::words::count(summary.documents, "document", "documents"),
            summary.converted,
            summary.skipped,
            summary.failed,
            crate::words::count(summary.pages, "page", "pages"),
            if summary.interrupted {
                "; a shard was interrupted"
            } else {
                ""
            }
        );
    }
    Ok(if summary.failed > 0 || summary.interrupted {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// The shard folders of `out`, 1..N, every one finished; an error names what is missing.
fn find_shards(out: &Path) -> Result<Vec<(Shard, PathBuf)>> {
    let root = out.join(SHARDS_DIR);
    let shown = vanban_input::shown(out);
    let mut by_count: BTreeMap<u32, Vec<Shard>> = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(&root) {
        for e in entries.flatten() {
            if let Some(s) = e.file_name().to_str().and_then(Shard::parse_name) {
                if e.path().is_dir() {
                    by_count.entry(s.count).or_default().push(s);
                }
            }
        }
    }
    let count = match by_count.len() {
        0 => bail!("{shown}: no shards to merge (vanban ingest --shard K/N writes them to {SHARDS_DIR}/K-of-N/)"),
        1 => *by_count.keys().next().unwrap_or(&0),
        _ => bail!(
            "{shown}: shards of different splits are there ({}); remove the folders of the old split from {SHARDS_DIR}/",
            by_count.keys().map(|n| format!("of {n}")).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut shards = Vec::new();
    let mut missing = Vec::new();
    for index in 1..=count {
        let s = Shard { index, count };
        let dir = s.dir(out);
        if dir.join("summary.json").is_file() {
            shards.push((s, dir));
        } else {
            missing.push(s.name());
        }
    }
    if !missing.is_empty() {
        bail!(
            "{shown}: {} not finished (no summary.json): {}; run {} first",
            crate::words::count(missing.len() as u64, "shard", "shards"),
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(shards)
}

//! `vanban ingest`: the batch. Finds the inputs, skips the ones already done, runs the pages of the
//! others through [`crate::process`]'s steps on one pool of workers ([`crate::schedule`]), writes every
//! output atomically from a writer thread, records each failure in
//! `<out>/failures.jsonl` and goes on, shows progress, and ends with `<out>/summary.json` and
//! `<out>/index.html`.
//!
//! Resuming: a document is done when its `<stem>.json` (written last, atomically) parses and names the
//! same source hash, schema version and settings, and its other outputs exist ([`crate::rerun`]);
//! otherwise it is redone and the reason is said. With `--shard K/N` the run takes only its part of
//! the inputs and keeps its batch files in `<out>/shards/K-of-N/` ([`crate::shard`]). Ctrl-C stops at the next page;
//! documents in progress are abandoned whole, so no output is ever half-written (stray temporary files of
//! a killed run are removed by the next one).
//!
//! The batch runs in a child process of [`crate::supervisor`], which records a document that crashes
//! or is killed and starts a new child on the rest; a child told to go on (`resume`) appends to the
//! batch files and counts what earlier children recorded ([`Earlier`]).

use std::fs::{self, File};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use vanban_input::{discover, sha256_file, InputFile, InputKind};

use crate::engines::Engines;
use crate::manifest::{Entry, Manifest, Status};
use crate::process::{self, DocError, OpenDoc, Outputs, PageResult, Processed};
use crate::schedule;
use crate::supervisor::Link;
use crate::{Global, EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED};

/// Arguments of `vanban ingest`.
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files and folders to convert (folders are walked recursively).
    #[arg(required_unless_present = "files_from", value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Also convert the files listed in LIST, one path a line (`-`: standard input).
    #[arg(long, value_name = "LIST")]
    pub files_from: Option<PathBuf>,
    /// Convert only shard K of N of the inputs (K from 1), or `auto`: the shard a Kubernetes Indexed
    /// Job or a Slurm job array gives this process. Batch files go to `<out>/shards/K-of-N/`; join
    /// them with `vanban merge`.
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<crate::shard::ShardArg>,
    /// Output folder; mirrors the input tree.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Worker threads shared by the pages of all documents (0 = all cores).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Redo documents whose outputs are complete and up to date.
    #[arg(long)]
    pub force: bool,
    /// Output formats beside the JSON, text and review page: any of pdf (searchable PDF), alto
    /// (ALTO v4), hocr, md (Markdown), comma-separated, or all or none.
    #[arg(long, value_name = "LIST", default_value = "pdf,alto,hocr,md")]
    pub formats: process::Formats,
    /// Also write each table as `<stem>.table-N.excel.csv` for Excel: UTF-8 with BOM, `;` between fields.
    #[arg(long)]
    pub csv_excel: bool,
    /// Convert a page whose JPEG data is cut short as far as it goes, and mark its document
    /// `incomplete` (naming the missing rows) instead of failing it.
    #[arg(long)]
    pub partial: bool,
}

/// One failure, as a line of `failures.jsonl` and an entry of `summary.json`.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Failure {
    /// The input at fault.
    pub path: String,
    /// What went wrong, in plain words.
    pub reason: String,
}

/// What a run did: the content of `summary.json`.
#[derive(Serialize, Deserialize, Debug, Default)]
pub struct Summary {
    /// Inputs found (including the ones that failed before processing).
    pub documents: u64,
    /// Documents converted in this run.
    pub converted: u64,
    /// Of those, documents converted again because their earlier outputs were made from another
    /// source or with other settings (or `--force`).
    pub redone: u64,
    /// Documents skipped because their outputs were complete.
    pub skipped: u64,
    /// Inputs that failed.
    pub failed: u64,
    /// Pages converted in this run.
    pub pages: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Pages converted per minute.
    pub pages_per_minute: f64,
    /// Worker threads.
    pub jobs: usize,
    /// True when Ctrl-C stopped the run early.
    pub interrupted: bool,
    /// Every failure.
    pub failures: Vec<Failure>,
    /// Documents converted in part (`--partial`): the input and what is missing, page by page.
    pub incomplete: Vec<Failure>,
}

/// Shared counters and sinks of a running batch.
struct Batch {
    out: PathBuf,
    failures: Mutex<(File, Vec<Failure>)>,
    converted: AtomicU64,
    redone: AtomicU64,
    skipped: AtomicU64,
    pages: AtomicU64,
    index: Mutex<Vec<vanban_review::IndexEntry>>,
    bar: ProgressBar,
    plain_log: bool,
    /// False with `--quiet`.
    loud: bool,
    started: Instant,
    /// The settings record of this run (see [`crate::rerun`]).
    settings: vanban_doc::Settings,
    /// `documents.jsonl` (see [`crate::manifest`]).
    manifest: Manifest,
    /// The supervisor watching this batch process (see [`crate::supervisor`]).
    link: Link,
    /// The formats of `--formats`.
    formats: process::Formats,
    /// Documents converted in part (`--partial`).
    incomplete: Mutex<Vec<Failure>>,
}

impl Batch {
    fn fail(&self, path: &Path, reason: String) {
        // One line each, whatever the file name or the cause holds.
        let reason = one_line(&reason);
        let f = Failure {
            path: path.display().to_string(),
            reason,
        };
        self.bar
            .suspend(|| eprintln!("vanban: {}: {}", vanban_input::shown(path), f.reason));
        self.manifest.record(&Entry::failed(path, &f.reason));
        let mut g = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(line) = serde_json::to_string(&f) {
            // The record is flushed line by line, so a killed run keeps what it found so far.
            let _ = writeln!(g.0, "{line}").and_then(|_| g.0.flush());
        }
        g.1.push(f);
    }

    /// Prints a line on stderr (unless `--quiet`) without breaking the progress bar.
    fn say(&self, line: String) {
        if self.loud {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    /// Document `i` is recorded (converted, skipped or failed).
    fn doc_done(&self, i: usize) {
        self.bar.inc(1);
        self.link.finished(i);
    }

    fn progress(&self) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let pages = self.pages.load(Ordering::Relaxed);
        self.bar.set_message(format!(
            "{}, {:.1} pages/min",
            crate::words::count(pages, "page", "pages"),
            pages as f64 * 60.0 / secs
        ));
    }
}

/// Runs `vanban ingest`.
pub fn run(g: &Global, args: IngestArgs) -> Result<u8> {
    let shard = args.shard.as_ref().map(|s| s.resolve()).transpose()?;
    // Where the batch files go: the root of --out, or the shard's own folder.
    let batch_dir = shard.map_or_else(|| args.out.clone(), |s| s.dir(&args.out));
    // The batch runs in a child process under a supervisor, which holds the lock of --out (or of
    // the shard).
    let Some(link) = Link::from_env()? else {
        return crate::supervisor::supervise(
            &args.out,
            &batch_dir,
            shard,
            args.files_from.as_deref(),
        );
    };
    let started = Instant::now()
        .checked_sub(since_epoch_ms(link.plan.started_ms))
        .unwrap_or_else(Instant::now);
    let resume = link.plan.resume;
    fs::create_dir_all(&batch_dir).with_context(|| {
        format!(
            "{}: cannot create the output folder",
            vanban_input::shown(&batch_dir)
        )
    })?;
    // The lock is the supervisor's (see crate::supervisor); a shard leaves the folder's temporary
    // files alone (the other shards are writing theirs).
    if shard.is_none() {
        remove_stale_temp_files(&args.out);
    }
    // A summary.json present is always the last finished run's: the old one goes now, the new one
    // is written at the end. A shard's run makes the merged summary at the root stale too.
    let summary_path = batch_dir.join("summary.json");
    if shard.is_some() {
        let _ = fs::remove_file(args.out.join("summary.json"));
    }
    if let Err(e) = fs::remove_file(&summary_path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            anyhow::bail!(
                "{}: cannot remove the last run's summary: {e}",
                summary_path.display()
            );
        }
    }
    let mut inputs = args.inputs.clone();
    if let Some(list) = &args.files_from {
        // `-` was read by the supervisor and came in the plan
        let listed = if list == Path::new("-") {
            link.plan.files.clone()
        } else {
            crate::shard::read_file_list(list)?
        };
        if listed.is_empty() && inputs.is_empty() {
            anyhow::bail!("{}: the file list is empty", vanban_input::shown(list));
        }
        inputs.extend(listed);
    }
    let mut found = discover(&inputs, Some(&args.out));
    if let Some(s) = shard {
        // Every shard finds the same inputs (and output stems) and keeps its own part of them.
        found.files.retain(|f| s.owns(&f.stem));
        found
            .problems
            .retain(|p| s.owns_key(&p.path().display().to_string()));
    }
    for note in &found.notes {
        tracing::warn!("{note}");
    }
    let needs_pdfium = found.files.iter().any(|f| f.kind == InputKind::Pdf);
    let needs_ocr = found.files.iter().any(|f| f.kind != InputKind::Text);
    let mut engines = Engines::load(g, needs_pdfium, needs_ocr)?;
    engines.page_opts.partial = args.partial;

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Each worker holds an OCR engine and warms 64 MiB of heap: more workers than cores cost
    // memory without going faster (OCR is CPU-bound).
    let jobs = match args.jobs {
        // A suspect of a crash runs alone on one worker (see crate::supervisor).
        _ if link.plan.only.is_some() || link.plan.one_worker => 1,
        0 => cores,
        n if n > cores => {
            tracing::warn!("--jobs {n}: this machine has {cores} cores; using {cores} workers");
            cores
        }
        n => n,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("vanban-worker-{i}"))
        .build()
        .context("cannot start the worker threads")?;

    let interactive = std::io::stderr().is_terminal() && !g.quiet;
    let bar = if interactive {
        let b = ProgressBar::with_draw_target(
            Some(found.files.len() as u64),
            ProgressDrawTarget::stderr(),
        );
        // Coloured only when --color and NO_COLOR allow it.
        let template = if g.color.stderr() {
            "{bar:30.cyan/blue} {pos}/{len} documents, {msg}, ETA {eta} "
        } else {
            "{bar:30} {pos}/{len} documents, {msg}, ETA {eta} "
        };
        b.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.enable_steady_tick(Duration::from_millis(500));
        b
    } else {
        ProgressBar::hidden()
    };
    let settings = crate::rerun::current(g, args.formats)?;
    let failures_path = batch_dir.join("failures.jsonl");
    let failures_file = if resume {
        append_batch_file(&failures_path)
    } else {
        create_batch_file(&failures_path)
    }
    .with_context(|| format!("{}: cannot write", failures_path.display()))?;
    // A child going on with a run counts what the earlier ones recorded.
    let earlier = if resume {
        Earlier::read(&args.out, &batch_dir)
    } else {
        Earlier::default()
    };
    let manifest = if resume {
        Manifest::append(&batch_dir)
    } else {
        Manifest::create(&batch_dir)
    };
    let batch = Batch {
        out: args.out.clone(),
        failures: Mutex::new((failures_file, earlier.failures)),
        converted: AtomicU64::new(earlier.converted),
        redone: AtomicU64::new(earlier.redone),
        skipped: AtomicU64::new(earlier.skipped),
        pages: AtomicU64::new(earlier.pages),
        index: Mutex::new(earlier.index),
        bar,
        plain_log: !interactive && !g.quiet,
        loud: !g.quiet,
        started,
        settings,
        manifest: manifest.with_context(|| {
            format!(
                "{}: cannot write",
                batch_dir.join(crate::manifest::MANIFEST).display()
            )
        })?,
        formats: process::Formats {
            csv_excel: args.csv_excel,
            ..args.formats
        },
        link,
        incomplete: Mutex::new(earlier.incomplete),
    };
    // The problems found while looking for inputs were recorded by the first child.
    for p in found.problems.iter().filter(|_| !resume) {
        let reason = p.to_string();
        let prefix = format!("{}: ", p.path().display());
        batch.fail(
            p.path(),
            reason.strip_prefix(&prefix).unwrap_or(&reason).to_string(),
        );
    }

    let stop = engines.stop.clone();
    install_interrupt_handler(stop.clone());
    let total = found.files.len();
    // Largest files first: a long document's pages start early (its pages then go through the
    // scheduler's heap with the others'; see crate::schedule).
    let mut order: Vec<(u64, usize)> = found
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (std::fs::metadata(&f.path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // Inputs recorded by an earlier child are not redone; a suspect runs alone.
    let plan = &batch.link.plan;
    order.retain(|&(_, i)| !plan.skip.contains(&i) && plan.only.map_or(true, |o| o == i));
    // Outputs are written (and flushed to disk) by a thread of their own, so that the workers
    // never wait for the disk: a document's five fsyncs took a worker 50-100 ms on this machine.
    let (to_writer, finished) = std::sync::mpsc::sync_channel::<Finished>(2 * jobs);
    std::thread::scope(|scope| {
        let (batch, files) = (&batch, &found.files);
        scope.spawn(move || {
            for f in finished {
                write_outputs(batch, files, total, f);
            }
        });
        let work = Work {
            batch,
            engines: &engines,
            files,
            force: args.force,
            total,
            to_writer,
        };
        schedule::run(
            &pool,
            &engines,
            &work,
            order.into_iter().map(|(_, i)| i).collect(),
        );
    });
    batch.bar.finish_and_clear();
    crate::engines::release_ocr_engines(&pool);

    let interrupted = stop.load(Ordering::Relaxed);
    let (_, mut failures) = batch
        .failures
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    // In path order, so that the summary and the index do not depend on which failure came first.
    failures.sort_by(|a, b| a.path.cmp(&b.path));
    let seconds = started.elapsed().as_secs_f64();
    let pages = batch.pages.load(Ordering::Relaxed);
    let summary = Summary {
        documents: (found.files.len() + found.problems.len()) as u64,
        converted: batch.converted.load(Ordering::Relaxed),
        redone: batch.redone.load(Ordering::Relaxed),
        skipped: batch.skipped.load(Ordering::Relaxed),
        failed: failures.len() as u64,
        pages,
        seconds,
        pages_per_minute: if seconds > 0.0 {
            pages as f64 * 60.0 / seconds
        } else {
            0.0
        },
        jobs,
        interrupted,
        failures,
        incomplete: batch
            .incomplete
            .into_inner()
            .unwrap_or_else(|e| e.into_inner()),
    };
    if batch.link.plan.only.is_some() {
        // A suspect run alone: the supervisor goes on with the rest.
        return Ok(if summary.failed > 0 {
            EXIT_SOME_FAILED
        } else {
            EXIT_OK
        });
    }
    let mut entries = batch.index.into_inner().unwrap_or_else(|e| e.into_inner());
    entries.sort_by(|a, b| a.output_stem.cmp(&b.output_stem));
    for f in &summary.failures {
        entries.push(vanban_review::IndexEntry::failed(
            String::new(),
            f.path.clone(),
            f.reason.clone(),
        ));
    }
    // The cause is said once (a WriteError's message holds it already).
    let plain = |e: vanban_doc::WriteError| anyhow::anyhow!("{e}");
    // A shard's documents are listed by `vanban merge`, which writes the batch's index.
    if shard.is_none() {
        vanban_doc::write_atomic(
            &args.out.join("index.html"),
            vanban_review::index_html(&entries).as_bytes(),
        )
        .map_err(plain)?;
    }
    vanban_doc::write_atomic(
        &summary_path,
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )
    .map_err(plain)?;
    if !g.quiet {
        let redone = if summary.redone > 0 {
            format!(" ({} redone)", summary.redone)
        } else {
            String::new()
        };
        eprintln!(
            "vanban: {}{}: {} converted{redone}, {} skipped, {} failed; {} in {:.1} s ({:.1} pages/min){}",
            shard.map_or(String::new(), |s| format!("shard {}: ", s.name())),
            crate::words::count(summary.documents, "document", "documents"),
            summary.converted,
            summary.skipped,
            summary.failed,
            crate::words::count(summary.pages, "page", "pages"),
            summary.seconds,
            summary.pages_per_minute,
            if interrupted { "; interrupted" } else { "" }
        );
    }
    Ok(if interrupted {
        EXIT_INTERRUPTED
    } else if summary.failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// The batch as the scheduler sees it: opening a document (or skipping it, or converting a text
/// input at once), counting pages, and writing a finished document's outputs.
struct Work<'a> {
    batch: &'a Batch,
    engines: &'a Engines,
    files: &'a [InputFile],
    force: bool,
    total: usize,
    to_writer: std::sync::mpsc::SyncSender<Finished>,
}

/// A converted document on its way to the writer: (input index, start time, why it was redone
/// when it had earlier outputs, document).
type Finished = (usize, Instant, Option<String>, Processed);

/// What is kept about a document while its pages are worked on.
struct DocMeta {
    sha: String,
    t0: Instant,
    /// Why it is redone (its earlier outputs were made otherwise), if it had outputs.
    redo: Option<String>,
}

impl schedule::Batch for Work<'_> {
    type Meta = DocMeta;

    fn open(&self, i: usize) -> Option<(OpenDoc, DocMeta)> {
        let (batch, input) = (self.batch, &self.files[i]);
        let t0 = Instant::now();
        batch.link.opened(i, &input.path);
        tracing::debug!("{}: started", input.path.display());
        let outputs = Outputs::new(&batch.out, &input.stem).with_formats(batch.formats);
        let sha = match sha256_file(&input.path) {
            Ok(s) => s,
            Err(e) => {
                batch.fail(&input.path, format!("cannot read: {e}"));
                batch.doc_done(i);
                return None;
            }
        };
        let redo =
            match crate::rerun::check(&outputs, batch.formats, &sha, &batch.settings, input.kind) {
                crate::rerun::Check::New => None,
                crate::rerun::Check::UpToDate(..) if self.force => Some("--force".to_string()),
                crate::rerun::Check::UpToDate(pages, changes, uncertain) => {
                    let entry = (pages, changes, uncertain);
                    batch.skipped.fetch_add(1, Ordering::Relaxed);
                    if let Some(doc) = outputs.read_document() {
                        let e = Entry::done(Status::Skipped, &batch.out, &outputs, &doc);
                        batch.manifest.record(&e);
                    }
                    push_index(batch, input, entry);
                    if batch.plain_log {
                        eprintln!(
                            "[{}/{}] {}: up to date, skipped",
                            i + 1,
                            self.total,
                            vanban_input::shown(&input.path)
                        );
                    }
                    batch.doc_done(i);
                    return None;
                }
                crate::rerun::Check::Redo(why) => Some(why),
            };
        if let Some(why) = &redo {
            batch.say(format!(
                "redoing {}: {why}",
                vanban_input::shown(&input.path)
            ));
        }
        if input.kind == InputKind::Text {
            let result = process::process_file(self.engines, input, sha, &|| self.page_done());
            self.done(i, t0, redo, result);
            return None;
        }
        match OpenDoc::open(self.engines, input) {
            Ok(doc) => Some((doc, DocMeta { sha, t0, redo })),
            Err(e) => {
                self.done(i, t0, redo, Err(e));
                None
            }
        }
    }

    fn page_done(&self) {
        self.batch.pages.fetch_add(1, Ordering::Relaxed);
        self.batch.progress();
    }

    fn panicked(&self, i: usize, msg: String) {
        self.batch.fail(
            &self.files[i].path,
            format!("internal error (a bug in vanban; please report it with this input): {msg}"),
        );
        self.batch.doc_done(i);
    }

    fn finish(
        &self,
        i: usize,
        meta: DocMeta,
        open: &OpenDoc,
        pages: Result<Vec<PageResult>, DocError>,
    ) {
        let input = &self.files[i];
        let result = pages.map(|p| {
            let mut p = process::finish_document(self.engines, input, meta.sha, p);
            // With --partial, the pages that decoded only in part (see vanban_pages).
            p.doc.incomplete = open.missing();
            p
        });
        self.done(i, meta.t0, meta.redo, result);
    }
}

impl Work<'_> {
    /// Hands a converted document to the writer, or records why it failed.
    fn done(
        &self,
        i: usize,
        t0: Instant,
        redo: Option<String>,
        result: Result<Processed, DocError>,
    ) {
        match result {
            Ok(p) => {
                if let Err(std::sync::mpsc::SendError(f)) = self.to_writer.send((i, t0, redo, p)) {
                    write_outputs(self.batch, self.files, self.total, f);
                }
            }
            Err(DocError::Interrupted) => {}
            Err(e) => {
                self.batch.fail(&self.files[i].path, e.to_string());
                self.batch.doc_done(i);
            }
        }
    }
}

/// Writes a converted document's outputs (atomically, the JSON last, with the run's settings
/// record) and reports it. This is where a document is finished: `redo` says whether it had earlier
/// outputs and why they were not kept.
fn write_outputs(batch: &Batch, files: &[InputFile], total: usize, (i, t0, redo, mut p): Finished) {
    let input = &files[i];
    let outputs = Outputs::new(&batch.out, &input.stem).with_formats(batch.formats);
    p.doc.settings = Some(batch.settings.clone());
    match outputs.write(&p) {
        Ok(()) => {
            remove_stale_outputs(files, &outputs, &p);
            batch.converted.fetch_add(1, Ordering::Relaxed);
            if redo.is_some() {
                batch.redone.fetch_add(1, Ordering::Relaxed);
            }
            let d = &p.doc;
            let mut entry = Entry::done(Status::Ok, &batch.out, &outputs, d);
            entry.redone = redo;
            batch.manifest.record(&entry);
            if !d.incomplete.is_empty() {
                let f = Failure {
                    path: input.path.display().to_string(),
                    reason: incomplete_reason(&d.incomplete),
                };
                batch.bar.suspend(|| {
                    eprintln!(
                        "vanban: {}: converted in part: {}",
                        vanban_input::shown(&input.path),
                        f.reason
                    )
                });
                lock_list(&batch.incomplete).push(f);
            }
            push_index(
                batch,
                input,
                (
                    d.source.pages,
                    d.restoration.changed,
                    d.restoration.uncertain,
                ),
            );
            if batch.plain_log {
                eprintln!(
                    "[{}/{total}] {}: {}, {} ({} uncertain), {:.1} s",
                    i + 1,
                    vanban_input::shown(&input.path),
                    crate::words::count(d.source.pages.into(), "page", "pages"),
                    crate::words::count(d.restoration.changed.into(), "change", "changes"),
                    d.restoration.uncertain,
                    t0.elapsed().as_secs_f64()
                );
            }
            tracing::debug!("{}: done", input.path.display());
        }
        Err(e) => batch.fail(&input.path, e.to_string()),
    }
    batch.doc_done(i);
    batch.progress();
}

fn push_index(batch: &Batch, input: &InputFile, (pages, changes, uncertain): (u32, u32, u32)) {
    let entry = vanban_review::IndexEntry::from_outputs(
        input.stem.to_string_lossy().replace('\\', "/"),
        input.path.display().to_string(),
        (pages, changes, uncertain),
        &Outputs::new(&batch.out, &input.stem).path("json"),
    );
    batch
        .index
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(entry);
}

/// First Ctrl-C: stop at the next page and finish cleanly; second: quit at once.
fn install_interrupt_handler(stop: Arc<AtomicBool>) {
    let result = ctrlc::set_handler(move || {
        if stop.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("vanban: interrupted; stopping cleanly (Ctrl-C again to quit at once)");
    });
    if let Err(e) = result {
        tracing::warn!("cannot catch Ctrl-C: {e}");
    }
}

/// Removes temporary files left by a killed vanban run: only names of vanban's own pattern
/// (`.vanban-tmp-<random>.tmp`, see `vanban_doc::write_atomic`), never following links. Called once
/// the lock is held, so no other run's files are in progress.
fn remove_stale_temp_files(out: &Path) {
    for e in walkdir::WalkDir::new(out).into_iter().flatten() {
        if e.file_type().is_file() && e.file_name().to_str().is_some_and(vanban_doc::is_temp_name) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Name of the lock file at the root of `--out`.
pub const LOCK_FILE: &str = ".vanban.lock";

/// Takes the advisory lock of `--out` (`flock` on `<out>/.vanban.lock`, released by the system
/// when the process ends, even when killed), or says which process holds it. Shards hold it shared.
pub(crate) fn lock_out(out: &Path) -> Result<File> {
    let path = out.join(LOCK_FILE);
    let mut f = open_lock(&path)?;
    if !try_flock(
        &f,
        &path,
        rustix::fs::FlockOperation::NonBlockingLockExclusive,
    )? {
        anyhow::bail!(
            "{}: another vanban ingest (or a shard of one, or vanban merge) is writing to this folder{}; wait for it to finish or choose another --out",
            vanban_input::shown(out),
            holder(&mut f)
        );
    }
    write_pid(&mut f)?;
    Ok(f)
}

/// Locks a shard's run: exclusively its own folder (`<out>/shards/K-of-N/.vanban.lock`), so that
/// two runs of the same shard exclude each other, and `<out>/.vanban.lock` shared, so that shards
/// run side by side while an unsharded run or `vanban merge` waits for them all. A shard that finds
/// no other run removes the folder's stale temporary files first.
pub(crate) fn lock_shard(out: &Path, dir: &Path, shard: crate::shard::Shard) -> Result<Vec<File>> {
    use rustix::fs::FlockOperation as Op;
    let own_path = dir.join(LOCK_FILE);
    let mut own = open_lock(&own_path)?;
    if !try_flock(&own, &own_path, Op::NonBlockingLockExclusive)? {
        anyhow::bail!(
            "{}: shard {} is already being converted{}; wait for it to finish",
            vanban_input::shown(out),
            shard.name(),
            holder(&mut own)
        );
    }
    write_pid(&mut own)?;
    let path = out.join(LOCK_FILE);
    let whole = open_lock(&path)?;
    if try_flock(&whole, &path, Op::NonBlockingLockExclusive)? {
        remove_stale_temp_files(out);
        rustix::fs::flock(&whole, Op::LockShared)
            .with_context(|| format!("{}: cannot lock", vanban_input::shown(&path)))?;
    } else {
        // Another shard may hold it exclusively for a moment (removing temporary files).
        let until = Instant::now() + Duration::from_secs(30);
        while !try_flock(&whole, &path, Op::NonBlockingLockShared)? {
            if Instant::now() > until {
                anyhow::bail!(
                    "{}: another vanban ingest (not a shard) or vanban merge is writing to this folder; wait for it to finish",
                    vanban_input::shown(out)
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    Ok(vec![own, whole])
}

/// Opens (or creates) a lock file without following a link planted under its name.
fn open_lock(path: &Path) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
        .with_context(|| format!("{}: cannot open the lock file", vanban_input::shown(path)))
}

/// `flock` without waiting: false when another process holds a conflicting lock.
fn try_flock(f: &File, path: &Path, op: rustix::fs::FlockOperation) -> Result<bool> {
    match rustix::fs::flock(f, op) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(e) => anyhow::bail!("{}: cannot lock: {e}", vanban_input::shown(path)),
    }
}

/// ` (process PID)` of the process that wrote its id into a lock file, or nothing.
fn holder(f: &mut File) -> String {
    use std::io::Read;
    let mut holder = String::new();
    let _ = f.read_to_string(&mut holder);
    let holder = holder.trim();
    if holder.is_empty() {
        String::new()
    } else {
        format!(" (process {holder})")
    }
}

fn write_pid(f: &mut File) -> Result<()> {
    use std::io::Seek;
    f.set_len(0)?;
    f.rewind()?;
    write!(f, "{}", std::process::id())?;
    Ok(())
}

/// Locks `--out` for `vanban merge`: no ingest run, sharded or not, may be writing to it.
pub fn lock_for_merge(out: &Path) -> Result<File> {
    lock_out(out)
}

/// Creates (or truncates) a batch file at the root of `--out` without following a link planted
/// under its name.
fn create_batch_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

/// Opens a batch file at the root of `--out` to add lines (created when missing), without following
/// a link planted under its name.
pub(crate) fn append_batch_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .append(true)
        .create(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

/// What a document converted in part misses, on one line: `page 2: rows …; page 5: …`.
fn incomplete_reason(parts: &[vanban_doc::MissingPart]) -> String {
    let parts: Vec<String> = parts
        .iter()
        .map(|m| format!("page {}: {}", m.page, m.missing))
        .collect();
    one_line(&parts.join("; "))
}

fn lock_list<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What earlier children of this run recorded in `documents.jsonl` (see [`crate::supervisor`]).
#[derive(Default)]
struct Earlier {
    incomplete: Vec<Failure>,
    converted: u64,
    redone: u64,
    skipped: u64,
    pages: u64,
    failures: Vec<Failure>,
    index: Vec<vanban_review::IndexEntry>,
}

impl Earlier {
    /// Counts the lines of the batch's `documents.jsonl` (in `batch_dir`: `--out`, or a shard's
    /// folder); documents' outputs are under `out`.
    fn read(out: &Path, batch_dir: &Path) -> Earlier {
        let mut e = Earlier::default();
        let text =
            fs::read_to_string(batch_dir.join(crate::manifest::MANIFEST)).unwrap_or_default();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            let n = |k: &str| v[k].as_u64().unwrap_or(0);
            match v["status"].as_str() {
                Some("failed") => e.failures.push(Failure {
                    path: s("input"),
                    reason: s("reason"),
                }),
                Some(status) => {
                    if status == "ok" {
                        e.converted += 1;
                        e.redone += u64::from(!v["redone"].is_null());
                        e.pages += n("pages");
                        if let Ok(parts) = serde_json::from_value::<Vec<vanban_doc::MissingPart>>(
                            v["incomplete"].clone(),
                        ) {
                            e.incomplete.push(Failure {
                                path: s("input"),
                                reason: incomplete_reason(&parts),
                            });
                        }
                    } else {
                        e.skipped += 1;
                    }
                    let json = v["outputs"][0].as_str().unwrap_or_default();
                    e.index.push(vanban_review::IndexEntry::from_outputs(
                        json.strip_suffix(".json").unwrap_or(json),
                        s("input"),
                        (
                            n("pages") as u32,
                            n("changes") as u32,
                            n("uncertain") as u32,
                        ),
                        &out.join(json),
                    ));
                }
                None => {}
            }
        }
        e
    }
}

/// A duration of `ms` milliseconds before now since the Unix epoch: how long ago the run started.
fn since_epoch_ms(ms: u64) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.saturating_sub(Duration::from_millis(ms))
}

/// Removes the `<stem>.table-N.csv` and `<stem>.page-N.jpg` of an earlier conversion of a document
/// that the new one no longer has (never an input file).
fn remove_stale_outputs(files: &[InputFile], outputs: &Outputs, p: &Processed) {
    let json = outputs.path("json");
    let (Some(dir), Some(name)) = (json.parent(), json.file_name().and_then(|n| n.to_str())) else {
        return;
    };
    let Some(stem) = name.strip_suffix(".json") else {
        return;
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let tables = p.doc.tables.len();
    let pages = p.thumbs.len();
    let has_thumb = |n: usize| p.thumbs.get(n.wrapping_sub(1)).is_some_and(Option::is_some);
    for e in entries.flatten() {
        let fname = e.file_name();
        let Some(rest) = fname.to_str().and_then(|f| f.strip_prefix(stem)) else {
            continue;
        };
        let number = |prefix: &str, ext: &str| -> Option<usize> {
            rest.strip_prefix(prefix)?.strip_suffix(ext)?.parse().ok()
        };
        let stale = match (number(".table-", ".csv"), number(".page-", ".jpg")) {
            (Some(n), _) => n == 0 || n > tables,
            (_, Some(n)) => n == 0 || n > pages || !has_thumb(n),
            _ => false,
        };
        let path = e.path();
        let is_input = || {
            let c = path.canonicalize().ok();
            files.iter().any(|f| f.path.canonicalize().ok() == c)
        };
        if stale && e.file_type().is_ok_and(|t| t.is_file()) && !is_input() {
            tracing::debug!("{}: removed (stale output)", path.display());
            let _ = fs::remove_file(&path);
        }
    }
}

/// A message on one line: line breaks and other control characters become spaces.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

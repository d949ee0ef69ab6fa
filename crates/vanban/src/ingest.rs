//! `vanban ingest`: the batch. Finds the inputs, skips the ones already done, runs the pages of the
//! others through [`crate::process`]'s steps on one pool of workers ([`crate::schedule`]), writes every
//! output atomically from a writer thread, records each failure in
//! `<out>/failures.jsonl` and goes on, shows progress, and ends with `<out>/summary.json` and
//! `<out>/index.html`.
//!
//! Resuming: a document is done when its `<stem>.json` (written last, atomically) parses and names the
//! same source hash and schema version, and its `<stem>.txt` exists. Ctrl-C stops at the next page;
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
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
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
#[derive(Serialize, Debug, Default)]
pub struct Summary {
    /// Inputs found (including the ones that failed before processing).
    pub documents: u64,
    /// Documents converted in this run.
    pub converted: u64,
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
    skipped: AtomicU64,
    pages: AtomicU64,
    index: Mutex<Vec<vanban_review::IndexEntry>>,
    bar: ProgressBar,
    plain_log: bool,
    started: Instant,
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

    /// Document `i` is recorded (converted, skipped or failed).
    fn doc_done(&self, i: usize) {
        self.bar.inc(1);
        self.link.finished(i);
    }

    fn progress(&self) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let pages = self.pages.load(Ordering::Relaxed);
        self.bar.set_message(format!(
            "{pages} pages, {:.1} pages/min",
            pages as f64 * 60.0 / secs
        ));
    }
}

/// Runs `vanban ingest`.
pub fn run(g: &Global, args: IngestArgs) -> Result<u8> {
    // The batch runs in a child process under a supervisor, which holds the lock of --out.
    let Some(link) = Link::from_env()? else {
        return crate::supervisor::supervise(&args.out);
    };
    let started = Instant::now()
        .checked_sub(since_epoch_ms(link.plan.started_ms))
        .unwrap_or_else(Instant::now);
    let resume = link.plan.resume;
    fs::create_dir_all(&args.out).with_context(|| {
        format!(
            "{}: cannot create the output folder",
            vanban_input::shown(&args.out)
        )
    })?;
    remove_stale_temp_files(&args.out);
    // A summary.json present is always the last finished run's: the old one goes now, the new one
    // is written at the end.
    let summary_path = args.out.join("summary.json");
    if let Err(e) = fs::remove_file(&summary_path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            anyhow::bail!(
                "{}: cannot remove the last run's summary: {e}",
                summary_path.display()
            );
        }
    }
    let found = discover(&args.inputs, Some(&args.out));
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
        b.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} documents, {msg}, ETA {eta} ")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.enable_steady_tick(Duration::from_millis(500));
        b
    } else {
        ProgressBar::hidden()
    };
    let failures_path = args.out.join("failures.jsonl");
    let failures_file = if resume {
        append_batch_file(&failures_path)
    } else {
        create_batch_file(&failures_path)
    }
    .with_context(|| format!("{}: cannot write", failures_path.display()))?;
    // A child going on with a run counts what the earlier ones recorded.
    let earlier = if resume {
        Earlier::read(&args.out)
    } else {
        Earlier::default()
    };
    let manifest = if resume {
        Manifest::append(&args.out)
    } else {
        Manifest::create(&args.out)
    };
    let batch = Batch {
        out: args.out.clone(),
        failures: Mutex::new((failures_file, earlier.failures)),
        converted: AtomicU64::new(earlier.converted),
        skipped: AtomicU64::new(earlier.skipped),
        pages: AtomicU64::new(earlier.pages),
        index: Mutex::new(earlier.index),
        bar,
        plain_log: !interactive && !g.quiet,
        started,
        manifest: manifest.with_context(|| {
            format!(
                "{}: cannot write",
                args.out.join(crate::manifest::MANIFEST).display()
            )
        })?,
        formats: args.formats,
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
    let (_, failures) = batch
        .failures
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    let seconds = started.elapsed().as_secs_f64();
    let pages = batch.pages.load(Ordering::Relaxed);
    let summary = Summary {
        documents: (found.files.len() + found.problems.len()) as u64,
        converted: batch.converted.load(Ordering::Relaxed),
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
    vanban_doc::write_atomic(
        &args.out.join("index.html"),
        vanban_review::index_html(&entries).as_bytes(),
    )
    .map_err(plain)?;
    vanban_doc::write_atomic(
        &args.out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )
    .map_err(plain)?;
    if !g.quiet {
        eprintln!(
            "vanban: {} documents: {} converted, {} skipped, {} failed; {} pages in {:.1} s ({:.1} pages/min){}",
            summary.documents,
            summary.converted,
            summary.skipped,
            summary.failed,
            summary.pages,
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

/// A converted document on its way to the writer: (input index, start time, document).
type Finished = (usize, Instant, Processed);

/// What is kept about a document while its pages are worked on.
struct DocMeta {
    sha: String,
    t0: Instant,
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
        if !self.force {
            if let Some(entry) = outputs.complete(&sha) {
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
        }
        if input.kind == InputKind::Text {
            let result = process::process_file(self.engines, input, sha, &|| self.page_done());
            self.done(i, t0, result);
            return None;
        }
        match OpenDoc::open(self.engines, input) {
            Ok(doc) => Some((doc, DocMeta { sha, t0 })),
            Err(e) => {
                self.done(i, t0, Err(e));
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
        self.done(i, meta.t0, result);
    }
}

impl Work<'_> {
    /// Hands a converted document to the writer, or records why it failed.
    fn done(&self, i: usize, t0: Instant, result: Result<Processed, DocError>) {
        match result {
            Ok(p) => {
                if let Err(std::sync::mpsc::SendError(f)) = self.to_writer.send((i, t0, p)) {
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

/// Writes a converted document's outputs (atomically, the JSON last) and reports it.
fn write_outputs(batch: &Batch, files: &[InputFile], total: usize, (i, t0, p): Finished) {
    let input = &files[i];
    let outputs = Outputs::new(&batch.out, &input.stem).with_formats(batch.formats);
    match outputs.write(&p) {
        Ok(()) => {
            remove_stale_outputs(files, &outputs, &p);
            batch.converted.fetch_add(1, Ordering::Relaxed);
            let d = &p.doc;
            batch
                .manifest
                .record(&Entry::done(Status::Ok, &batch.out, &outputs, d));
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
                    "[{}/{total}] {}: {} pages, {} changes ({} uncertain), {:.1} s",
                    i + 1,
                    vanban_input::shown(&input.path),
                    d.source.pages,
                    d.restoration.changed,
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
    let entry = vanban_review::IndexEntry {
        output_stem: input.stem.to_string_lossy().replace('\\', "/"),
        source: input.path.display().to_string(),
        pages,
        changes,
        uncertain,
        failure: None,
    };
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
/// when the process ends, even when killed), or says which process holds it.
pub(crate) fn lock_out(out: &Path) -> Result<File> {
    use std::io::{Read, Seek};
    use std::os::unix::fs::OpenOptionsExt;
    let path = out.join(LOCK_FILE);
    let mut f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(&path)
        .with_context(|| format!("{}: cannot open the lock file", vanban_input::shown(&path)))?;
    if let Err(e) = rustix::fs::flock(&f, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        if e == rustix::io::Errno::WOULDBLOCK {
            let mut holder = String::new();
            let _ = f.read_to_string(&mut holder);
            let holder = holder.trim();
            let who = if holder.is_empty() {
                String::new()
            } else {
                format!(" (process {holder})")
            };
            anyhow::bail!(
                "{}: another vanban ingest is writing to this folder{who}; wait for it to finish or choose another --out",
                vanban_input::shown(out)
            );
        }
        anyhow::bail!("{}: cannot lock: {e}", vanban_input::shown(&path));
    }
    f.set_len(0)?;
    f.rewind()?;
    write!(f, "{}", std::process::id())?;
    Ok(f)
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
    skipped: u64,
    pages: u64,
    failures: Vec<Failure>,
    index: Vec<vanban_review::IndexEntry>,
}

impl Earlier {
    /// Counts the lines of `<out>/documents.jsonl`.
    fn read(out: &Path) -> Earlier {
        let mut e = Earlier::default();
        let text = fs::read_to_string(out.join(crate::manifest::MANIFEST)).unwrap_or_default();
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
                    e.index.push(vanban_review::IndexEntry {
                        output_stem: json.strip_suffix(".json").unwrap_or(json).to_string(),
                        source: s("input"),
                        pages: n("pages") as u32,
                        changes: n("changes") as u32,
                        uncertain: n("uncertain") as u32,
                        failure: None,
                    });
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

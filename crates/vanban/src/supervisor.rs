//! Per-document isolation for `vanban ingest`: the batch runs in a child process (the same binary
//! with the same arguments) that a small supervisor process watches, so that an input which crashes
//! the process (a segmentation fault inside PDFium or Tesseract, an abort, an allocation that fails
//! under a memory limit, the kernel's out-of-memory killer) costs only that input.
//!
//! The child tells the supervisor, over an inherited pipe, when it starts a document (`open`), when
//! a document is recorded (`done`: converted, skipped or failed) and when an allocation failed
//! (`oom`, written by this module's global allocator without allocating). When the child dies of a
//! signal, the documents it had open and not recorded are the suspects: each runs again alone, on
//! one worker; one that crashes that child too is recorded as failed (`failures.jsonl` and
//! `documents.jsonl`) with the cause, and a new child goes on with the documents not recorded yet. A child
//! that goes on (`resume`) appends to the batch files and counts what the earlier children recorded
//! from `documents.jsonl`, so the last child writes `summary.json` and `index.html` for the whole
//! run. The normal path costs one process start (about 0.1 s); pages are never sent between
//! processes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{BTreeSet, HashSet, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{Context, Result};

use crate::ingest::{self, Failure};
use crate::manifest::{Entry, MANIFEST};

/// Environment variable naming the child's end of the event pipe; its presence makes a process the
/// batch's child.
pub const FD_ENV: &str = "VANBAN_SUPERVISOR_FD";

/// The allocator of the whole program: the system's, which on a failed allocation first tells the
/// supervisor (so the failure is recorded as `killed: out of memory`), then returns null as usual
/// (Rust then aborts the process).
#[global_allocator]
static ALLOCATOR: ReportingAlloc = ReportingAlloc;

/// The child's end of the event pipe, for [`ReportingAlloc`] (unset: not a child).
static OOM_PIPE: OnceLock<File> = OnceLock::new();

/// [`System`], reporting failed allocations to the supervisor.
struct ReportingAlloc;

// SAFETY: every call is passed to `System` unchanged; the only addition, on a null result, writes
// to a file descriptor and allocates nothing. (The one unsafe code of the crate: a global allocator
// cannot be written without it.)
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for ReportingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            report_oom(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            report_oom(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            report_oom(new_size);
        }
        p
    }
}

/// Writes `oom <size>` to the supervisor's pipe, without allocating.
fn report_oom(size: usize) {
    let Some(mut pipe) = OOM_PIPE.get() else {
        return;
    };
    let mut buf = [0u8; 32];
    buf[..4].copy_from_slice(b"oom ");
    let mut digits = [0u8; 20];
    let (mut n, mut k) = (size, 0);
    loop {
        digits[k] = b'0' + (n % 10) as u8;
        k += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for j in 0..k {
        buf[4 + j] = digits[k - 1 - j];
    }
    buf[4 + k] = b'\n';
    // One write(2) of a few bytes on a pipe: whole, and without allocating.
    let _ = pipe.write(&buf[..5 + k]);
}

/// What the supervisor asks of a child, read from the child's standard input at its start.
#[derive(Debug, Default)]
pub struct Plan {
    /// Not the first child: append to the batch files and count what `documents.jsonl` holds.
    pub resume: bool,
    /// Inputs (indices in discovery order) already recorded in this run.
    pub skip: HashSet<usize>,
    /// Only this input, alone (a suspect run again); no summary or index is written.
    pub only: Option<usize>,
    /// Run one worker (after a crash outside any document).
    pub one_worker: bool,
    /// When the run started (milliseconds since the Unix epoch), for the summary's seconds.
    pub started_ms: u64,
    /// The file list of `--files-from -`, read from standard input by the supervisor (the child's
    /// standard input carries this plan).
    pub files: Vec<PathBuf>,
}

/// The child's side: its plan and its end of the event pipe.
pub struct Link {
    pipe: Mutex<File>,
    /// What to do.
    pub plan: Plan,
}

impl Link {
    /// This process's link to its supervisor, or `None` when it is not a batch child. Reads the
    /// plan from standard input.
    pub fn from_env() -> Result<Option<Link>> {
        let Some(fd) = std::env::var_os(FD_ENV) else {
            return Ok(None);
        };
        let fd: i32 = fd
            .to_str()
            .and_then(|s| s.parse().ok())
            .filter(|&n| n > 2)
            .with_context(|| format!("{FD_ENV}: not a file descriptor"))?;
        // The inherited descriptor, opened again through /proc (no unsafe code needed).
        let pipe = reopen_pipe(fd)?;
        let _ = OOM_PIPE.set(reopen_pipe(fd)?);
        // The child dies with its supervisor (it would otherwise write on without a lock).
        let _ =
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL));
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the supervisor's plan")?;
        let mut plan = Plan::default();
        for line in text.lines() {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                "resume" => plan.resume = true,
                "skip" => plan.skip.extend(value.parse::<usize>().ok()),
                "only" => plan.only = value.parse().ok(),
                "started" => plan.started_ms = value.parse().unwrap_or(0),
                "one-worker" => plan.one_worker = true,
                "file" => plan.files.extend(
                    serde_json::from_str::<String>(value)
                        .ok()
                        .map(PathBuf::from),
                ),
                _ => {}
            }
        }
        Ok(Some(Link {
            pipe: Mutex::new(pipe),
            plan,
        }))
    }

    /// Input `i` (at `path`) is being started.
    pub fn opened(&self, i: usize, path: &Path) {
        let path = serde_json::to_string(&path.display().to_string()).unwrap_or_default();
        self.send(&format!("open {i} {path}\n"));
    }

    /// Input `i` is recorded (converted, skipped or failed).
    pub fn finished(&self, i: usize) {
        self.send(&format!("done {i}\n"));
    }

    fn send(&self, line: &str) {
        let mut p = self.pipe.lock().unwrap_or_else(|e| e.into_inner());
        let _ = p.write_all(line.as_bytes());
    }
}

/// Opens the inherited descriptor `fd` again through `/proc` (no unsafe code needed).
fn reopen_pipe(fd: i32) -> Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(format!("/proc/self/fd/{fd}"))
        .with_context(|| format!("{FD_ENV}: cannot open the supervisor's pipe"))
}

/// What one child did, as its events said.
#[derive(Default)]
struct Events {
    /// Inputs opened, with their paths, in order.
    opened: Vec<(usize, String)>,
    /// Inputs recorded.
    done: HashSet<usize>,
    /// Size of a failed allocation, when one was reported.
    oom: Option<u64>,
}

/// Runs the batch of `vanban ingest` (the arguments of this process) in child processes until every
/// input is recorded; returns the last child's exit code. Holds the lock of `out` (of the shard
/// and `out` shared, for a shard's run); the batch files are in `batch_dir`.
pub fn supervise(
    out: &Path,
    batch_dir: &Path,
    shard: Option<crate::shard::Shard>,
    files_from: Option<&Path>,
) -> Result<u8> {
    // `--files-from -`: the list is read here, once, and handed to every child in its plan.
    let stdin_files = match files_from {
        Some(l) if l == Path::new("-") => crate::shard::read_file_list(l)?,
        _ => Vec::new(),
    };
    std::fs::create_dir_all(batch_dir).with_context(|| {
        format!(
            "{}: cannot create the output folder",
            vanban_input::shown(batch_dir)
        )
    })?;
    let _locks = match shard {
        None => vec![ingest::lock_out(out)?],
        Some(s) => ingest::lock_shard(out, batch_dir, s)?,
    };
    let started_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    // The child has a process group of its own, so each Ctrl-C reaches it once, through the
    // supervisor: the first stops it cleanly, a second quits at once (exit 130 both); the
    // supervisor then stops restarting.
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let forward = move || {
            flag.store(true, Ordering::SeqCst);
            let pid = CHILD_PID.load(Ordering::SeqCst);
            if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::INT);
            }
        };
        if let Err(e) = ctrlc::set_handler(forward) {
            tracing::warn!("cannot catch Ctrl-C: {e}");
        }
    }
    let mut recorded: BTreeSet<usize> = BTreeSet::new();
    let mut suspects: VecDeque<(usize, String)> = VecDeque::new();
    let mut first = true;
    // After a crash outside any document, the next child runs one worker (less memory).
    let mut one_worker = false;
    loop {
        let only = suspects.pop_front();
        let mut plan = format!("started {started_ms}\n");
        for f in &stdin_files {
            let path = serde_json::to_string(&f.to_string_lossy()).unwrap_or_default();
            plan.push_str(&format!("file {path}\n"));
        }
        if !first {
            plan.push_str("resume\n");
        }
        for i in &recorded {
            plan.push_str(&format!("skip {i}\n"));
        }
        if let Some((i, _)) = &only {
            plan.push_str(&format!("only {i}\n"));
        }
        if one_worker {
            plan.push_str("one-worker\n");
        }
        first = false;
        let (status, events) = run_child(&plan)?;
        recorded.extend(events.done.iter().copied());
        if let Some(code) = status.code() {
            let code = u8::try_from(code).unwrap_or(crate::EXIT_FATAL);
            if only.is_some() && code != crate::EXIT_FATAL && code != crate::EXIT_INTERRUPTED {
                continue;
            }
            return Ok(code);
        }
        let signal = status.signal().unwrap_or(0);
        if interrupted.load(Ordering::SeqCst) {
            return Ok(crate::EXIT_INTERRUPTED);
        }
        let reason = crash_reason(signal, events.oom);
        // A document whose line reached the manifest is recorded, even when the child died before
        // it could say so (between the line and its `done`): it is no suspect, and running it
        // again would record it twice.
        let in_manifest = manifest_inputs(batch_dir);
        let in_flight: Vec<(usize, String)> = events
            .opened
            .iter()
            .filter(|(i, _)| !events.done.contains(i))
            .filter(|(i, path)| !(in_manifest.contains(path) && recorded.insert(*i)))
            .cloned()
            .collect();
        tracing::debug!("batch child {reason}; documents open: {}", in_flight.len());
        match (in_flight.len(), only.is_some()) {
            // Not a document's doing (e.g. too little memory for the workers): once more with one
            // worker, and no further when that makes no progress either.
            (0, _) if !one_worker || !events.done.is_empty() => {
                tracing::warn!(
                    "the batch's process {reason} outside any document; going on with one worker"
                );
                suspects.extend(only.filter(|(i, _)| !recorded.contains(i)));
                one_worker = true;
            }
            (0, _) => anyhow::bail!(
                "the batch's process {reason} outside any document, twice; nothing more can be done in this run"
            ),
            // A document that crashes the process alone, on one worker, is the one at fault.
            (_, true) => {
                for (i, path) in in_flight {
                    record_failure(batch_dir, &path, &reason)?;
                    recorded.insert(i);
                }
            }
            // The documents open when the process died each run again alone, on one worker, to
            // find the one at fault (several workers take more memory: under a tight limit the
            // document open may be innocent).
            _ => suspects.extend(in_flight),
        }
    }
}

/// The inputs the batch's manifest (`documents.jsonl`, made anew by this run's first child) has a
/// line for.
fn manifest_inputs(batch_dir: &Path) -> HashSet<String> {
    let Ok(f) = File::open(batch_dir.join(MANIFEST)) else {
        return HashSet::new();
    };
    BufReader::new(f)
        .lines()
        .map_while(std::result::Result::ok)
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l).ok()?;
            Some(v.get("input")?.as_str()?.to_string())
        })
        .collect()
}

/// The running child's process id (0: none), for forwarding Ctrl-C.
static CHILD_PID: AtomicI32 = AtomicI32::new(0);

/// Starts one child with `plan`, collects its events until it ends, and waits for it.
fn run_child(plan: &str) -> Result<(std::process::ExitStatus, Events)> {
    let (read, write) = rustix::pipe::pipe().context("cannot make a pipe for the batch process")?;
    rustix::io::fcntl_setfd(&read, rustix::io::FdFlags::CLOEXEC)?;
    let exe = std::env::current_exe().context("cannot find vanban's own executable")?;
    let mut child = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(FD_ENV, write.as_raw_fd().to_string())
        .stdin(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .context("cannot start the batch process")?;
    CHILD_PID.store(i32::try_from(child.id()).unwrap_or(0), Ordering::SeqCst);
    drop(write);
    if let Some(mut stdin) = child.stdin.take() {
        // A child that died at once has closed its end: its exit status says why.
        let _ = stdin.write_all(plan.as_bytes());
    }
    let events = read_events(read);
    let status = child.wait().context("cannot wait for the batch process")?;
    CHILD_PID.store(0, Ordering::SeqCst);
    Ok((status, events))
}

/// Reads the child's events until its end of the pipe closes (it exited).
fn read_events(read: OwnedFd) -> Events {
    let mut ev = Events::default();
    for line in BufReader::new(File::from(read)).lines() {
        let Ok(line) = line else { break };
        let mut parts = line.splitn(3, ' ');
        let (kind, n) = (parts.next(), parts.next().and_then(|n| n.parse().ok()));
        match (kind, n) {
            (Some("open"), Some(i)) => {
                let path = parts
                    .next()
                    .and_then(|p| serde_json::from_str::<String>(p).ok())
                    .unwrap_or_default();
                ev.opened.push((i as usize, path));
            }
            (Some("done"), Some(i)) => {
                ev.done.insert(i as usize);
            }
            (Some("oom"), Some(n)) => ev.oom = Some(n),
            _ => {}
        }
    }
    ev
}

/// The reason recorded for a document whose process died of `signal`.
fn crash_reason(signal: i32, oom: Option<u64>) -> String {
    if let Some(n) = oom {
        return format!("killed: out of memory (an allocation of {n} bytes failed)");
    }
    let name = match signal {
        4 => "illegal instruction",
        5 => "trace trap",
        6 => "aborted",
        7 => "bus error",
        8 => "arithmetic exception",
        11 => "segmentation fault",
        15 => "terminated",
        _ => "",
    };
    if signal == 9 {
        return "killed (signal 9: the kernel's out-of-memory killer, or another process)".into();
    }
    let crashed = if name.is_empty() {
        format!("crashed (signal {signal})")
    } else {
        format!("crashed (signal {signal}: {name})")
    };
    // C and C++ code (Leptonica, Tesseract, PDFium) meets a failed allocation with an error, an
    // abort or a crash on the null pointer: under a limit of address space, say so.
    let limit = rustix::process::getrlimit(rustix::process::Resource::As).current;
    match limit {
        Some(bytes) if matches!(signal, 6 | 7 | 11) => format!(
            "{crashed}; the process's memory is limited to {} MiB (address space), so a failed allocation is the likely cause",
            bytes >> 20
        ),
        _ => crashed,
    }
}

/// Records a document the child died on, as the child records a failure: a line in
/// `failures.jsonl` and in `documents.jsonl`, and one on stderr.
fn record_failure(out: &Path, path: &str, reason: &str) -> Result<()> {
    eprintln!("vanban: {}: {reason}", vanban_input::shown(Path::new(path)));
    let failure = serde_json::to_string(&Failure {
        path: path.to_string(),
        reason: reason.to_string(),
    })?;
    let entry = serde_json::to_string(&Entry::failed(Path::new(path), reason))?;
    for (name, line) in [("failures.jsonl", failure), (MANIFEST, entry)] {
        let p = out.join(name);
        let mut f = ingest::append_batch_file(&p)
            .with_context(|| format!("{}: cannot write", p.display()))?;
        writeln!(f, "{line}").with_context(|| format!("{}: cannot write", p.display()))?;
    }
    Ok(())
}

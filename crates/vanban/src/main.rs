//! The `vanban` command line: scanned Vietnamese administrative documents in, correct text and JSON out.
//!
//! Each subcommand lives in its own module; this file parses the arguments (clap derive), sets up
//! logging (tracing) and maps results to the documented exit codes: 0 all went well, 1 some inputs
//! failed (each named on stderr as `vanban: path: reason`), 2 usage or fatal errors, 130 interrupted.

mod bench;
mod color;
mod commands;
mod engines;
mod evaldocs;
mod header;
mod help;
mod ingest;
mod locate;
mod manifest;
mod merge;
mod process;
mod reapply;
mod recover;
mod reread;
mod rerun;
mod schedule;
mod seal;
mod serve;
mod shard;
mod signer;
mod stampread;
mod supervisor;
mod words;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// Exit code when every input succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code when some inputs failed and the rest succeeded.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit code for usage or fatal errors.
pub const EXIT_FATAL: u8 = 2;
/// Exit code when the run was interrupted (Ctrl-C).
pub const EXIT_INTERRUPTED: u8 = 130;

/// vanban: scanned Vietnamese administrative documents to correct text and structured JSON.
#[derive(Parser, Debug)]
#[command(name = "vanban", version, about, long_about = None, after_help = help::MAIN)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Path of libpdfium.so (or its folder); default: $VANBAN_PDFIUM, then next to the binary, then vendor/pdfium/.
    #[arg(long, global = true, value_name = "PATH")]
    pub pdfium: Option<PathBuf>,
    /// Compiled dictionary; default: $VANBAN_DICT, then dictionaries/vanban.dict near the binary or the current folder.
    #[arg(long, global = true, value_name = "PATH")]
    pub dict: Option<PathBuf>,
    /// User lexicon (one confirmed word or name a line) that the restorer honours.
    #[arg(long, global = true, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Tesseract languages, e.g. `vie` or `vie+eng`.
    #[arg(long, global = true, default_value = "vie")]
    pub lang: String,
    /// Tesseract tessdata folder (default: the system's).
    #[arg(long, global = true, value_name = "DIR")]
    pub tessdata: Option<PathBuf>,
    /// Resolution for rendering PDF pages that are not a single scanned image.
    #[arg(long, global = true, default_value_t = 300, value_parser = clap::value_parser!(u32).range(50..=1200))]
    pub dpi: u32,
    /// OCR pages even when they have a text layer.
    #[arg(long, global = true)]
    pub force_ocr: bool,
    /// Keep the text as read: no diacritic restoration or OCR repair.
    #[arg(long, global = true)]
    pub no_restore: bool,
    /// More log lines (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Colour in help, logs, the progress bar and `diff`: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = color::ColorChoice::Auto, value_name = "WHEN")]
    pub color: color::ColorChoice,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Convert files and folders: text, JSON, tables and review pages for every document under --out.
    #[command(after_help = help::INGEST)]
    Ingest(ingest::IngestArgs),
    /// Join the batch files of a sharded run (`ingest --shard`) into the batch's summary.json,
    /// documents.jsonl, failures.jsonl and index.html.
    #[command(after_help = help::MERGE)]
    Merge(merge::MergeArgs),
    /// Print the raw OCR text of one file (no restoration).
    #[command(after_help = help::OCR)]
    Ocr(commands::OcrArgs),
    /// Restore diacritics and repair OCR damage in a text file (or stdin), keeping its lines.
    #[command(after_help = help::RESTORE)]
    Restore(commands::RestoreArgs),
    /// Print the Decree 30 metadata (and tables) of a text or scanned file as JSON.
    #[command(after_help = help::EXTRACT)]
    Extract(commands::ExtractArgs),
    /// Word-level diff of raw against corrected text for a `.txt` or a `<stem>.json`.
    #[command(after_help = help::DIFF)]
    Diff(commands::DiffArgs),
    /// Apply a clerk's saved review decisions to a document's outputs and the user lexicon.
    #[command(after_help = help::APPLY_REVIEW)]
    ApplyReview(commands::ApplyReviewArgs),
    /// Serve an output folder's review pages on 127.0.0.1, saving each decision as it is made.
    Review(serve::ReviewArgs),
    /// Token accuracy of the restorer on the evaluation sets.
    #[command(after_help = help::EVAL)]
    Eval(commands::EvalArgs),
    /// Score a batch's outputs against truth: page text accuracy and every Decree 30 field by
    /// its visibility (typed, handwritten, stamped, absent).
    #[command(after_help = help::EVAL_DOCS)]
    EvalDocs(evaldocs::EvalDocsArgs),
    /// Pages per minute and memory, against the Tesseract command line on the same pages.
    #[command(after_help = help::BENCH)]
    Bench(bench::BenchArgs),
    /// Dictionary tools.
    #[command(subcommand, after_help = help::DICT)]
    Dict(commands::DictCommand),
}

fn main() -> ExitCode {
    // One Tesseract engine per worker thread: libgomp (which Debian's libtesseract links) reads
    // OMP_THREAD_LIMIT only at start-up, so the process re-executes itself with it set to 1.
    if let Err(e) = vanban_ocr::reexec_with_omp_thread_limit() {
        eprintln!("vanban: warning: cannot re-execute with OMP_THREAD_LIMIT=1: {e}");
    }
    // Tesseract's line images are stored, not deflated (see vanban_ocr::linepng and build.rs).
    std::hint::black_box(vanban_ocr::linepng::keep());
    // --color is read before parsing, so that --help and usage errors follow it too.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = Cli::command()
        .color(color::ColorChoice::from_args(&args).for_clap())
        .get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    init_logging(&cli.global);
    let result = match cli.command {
        Command::Ingest(a) => ingest::run(&cli.global, a),
        Command::Merge(a) => merge::run(&cli.global, a),
        Command::Ocr(a) => commands::ocr(&cli.global, a),
        Command::Restore(a) => commands::restore(&cli.global, a),
        Command::Extract(a) => commands::extract(&cli.global, a),
        Command::Diff(a) => commands::diff(&cli.global, a),
        Command::ApplyReview(a) => commands::apply_review(&cli.global, a),
        Command::Review(a) => serve::run(&cli.global, a),
        Command::Eval(a) => commands::eval(&cli.global, a),
        Command::EvalDocs(a) => evaldocs::run(&cli.global, a),
        Command::Bench(a) => bench::run(&cli.global, a),
        Command::Dict(c) => commands::dict(&cli.global, c),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("vanban: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

fn init_logging(g: &Global) {
    use tracing_subscriber::EnvFilter;
    let level = match (g.quiet, g.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info,vanban=debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_env("VANBAN_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(g.color.stderr())
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

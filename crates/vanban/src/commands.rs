//! The single-file commands: `ocr`, `restore`, `extract`, `diff`, `apply-review`, `eval` and `dict`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use vanban_doc::Document;
use vanban_input::{sha256_file, InputFile, InputKind};

use crate::engines::{self, Engines};
use crate::process;
use crate::{locate, Global, EXIT_OK};

/// Arguments of `vanban ocr`.
#[derive(Args, Debug)]
pub struct OcrArgs {
    /// A PDF, TIFF, PNG or JPEG file.
    pub file: PathBuf,
}

/// Arguments of `vanban restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A UTF-8 text file, or `-` (the default) for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Print one JSON record a token: `{raw, text, conf, alternatives}` (JSON Lines, one line per input line).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `vanban extract`.
#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// A text or scanned file, or `-` for standard input (its kind told by its bytes).
    pub file: PathBuf,
    /// Also print the tables (as `{metadata, tables}`).
    #[arg(long)]
    pub tables: bool,
}

/// Arguments of `vanban diff`.
#[derive(Args, Debug)]
pub struct DiffArgs {
    /// A `.txt` (restored first) or a `<stem>.json` written by `vanban ingest`.
    pub file: PathBuf,
    /// Plain text without colours; the same as `--color never` (without either, colours when standard
    /// output is a terminal and NO_COLOR is not set).
    #[arg(long)]
    pub no_color: bool,
}

/// Arguments of `vanban apply-review`.
#[derive(Args, Debug)]
pub struct ApplyReviewArgs {
    /// The decisions saved by the review page (`<stem>.review.json`).
    pub file: PathBuf,
    /// The document's `<stem>.json` (default: beside the decisions file, same stem).
    #[arg(long)]
    pub document: Option<PathBuf>,
}

/// Arguments of `vanban eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The project folder holding fixtures/eval (default: found from the binary or the current folder).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Instead of the table: the speed of one restorer over the bench corpus in this folder
    /// (its `*.eng.txt`, made by `python3 fixtures/eval/make.py --bench DIR`).
    #[arg(long, value_name = "DIR")]
    pub speed_corpus: Option<PathBuf>,
}

/// `vanban dict` subcommands.
#[derive(Subcommand, Debug)]
pub enum DictCommand {
    /// Compile dictionaries/data/*.tsv into the binary dictionary.
    #[command(after_help = crate::help::DICT)]
    Build {
        /// Folder of the tables.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output file (default: dictionaries/vanban.dict).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn single_input(path: &Path) -> Result<InputFile> {
    let kind = InputKind::from_path(path).with_context(|| {
        format!(
            "{}: not a supported input (expected .pdf, .tif, .tiff, .png, .jpg, .jpeg or .txt)",
            path.display()
        )
    })?;
    let stem = PathBuf::from(path.file_stem().unwrap_or_default());
    Ok(InputFile {
        path: path.to_path_buf(),
        kind,
        stem,
    })
}

/// Converts one file in memory (no outputs written).
fn convert(g: &Global, path: &Path) -> Result<process::Processed> {
    if path == Path::new("-") {
        // Standard input: kept in a temporary file named for what its bytes are.
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("-: cannot read standard input")?;
        let ext = match vanban_pages::FileKind::sniff(&bytes) {
            Some(vanban_pages::FileKind::Pdf) => ".pdf",
            Some(vanban_pages::FileKind::Tiff) => ".tif",
            Some(vanban_pages::FileKind::Png) => ".png",
            Some(vanban_pages::FileKind::Jpeg) => ".jpg",
            _ => ".txt",
        };
        let tmp = tempfile::Builder::new()
            .prefix("vanban-stdin-")
            .suffix(ext)
            .tempfile()
            .context("-: cannot make a temporary file for standard input")?;
        std::fs::write(tmp.path(), &bytes).context("-: cannot keep standard input")?;
        let shown = tmp.path().display().to_string();
        let mut p = convert(g, tmp.path())
            .map_err(|e| anyhow::anyhow!("{}", format!("{e:#}").replace(&shown, "-")))?;
        p.doc.source.path = "-".into();
        return Ok(p);
    }
    let input = single_input(path)?;
    let sha = sha256_file(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let engines = Engines::load(
        g,
        input.kind == InputKind::Pdf,
        input.kind != InputKind::Text,
    )?;
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .context("cannot start the worker threads")?;
    let result = pool.install(|| process::process_file(&engines, &input, sha, &|| {}));
    engines::release_ocr_engines(&pool);
    result.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// `vanban ocr FILE`: raw OCR text, pages separated by form feeds.
pub fn ocr(g: &Global, a: OcrArgs) -> Result<u8> {
    let mut g = g.clone();
    g.no_restore = true;
    let p = convert(&g, &a.file)?;
    std::io::stdout()
        .lock()
        .write_all(p.doc.render_raw_text().as_bytes())?;
    Ok(EXIT_OK)
}

/// `vanban restore [FILE|-]`.
pub fn restore(g: &Global, a: RestoreArgs) -> Result<u8> {
    let mut text = String::new();
    if a.file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input as UTF-8 text")?;
    } else {
        text = std::fs::read_to_string(&a.file)
            .with_context(|| format!("{}: cannot read as UTF-8 text", a.file.display()))?;
    }
    let r = engines::load_restorer(g)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if !a.json {
        out.write_all(r.restore_text(&text).as_bytes())?;
        return Ok(EXIT_OK);
    }
    #[derive(serde::Serialize)]
    struct Rec<'a> {
        raw: &'a str,
        text: &'a str,
        conf: f32,
        alternatives: &'a [String],
        changed: bool,
        uncertain: bool,
    }
    for line in text.lines() {
        let toks: Vec<&str> = line.split_whitespace().collect();
        let res = r.restore_line(&toks);
        let recs: Vec<Rec> = res
            .iter()
            .map(|t| Rec {
                raw: &t.raw,
                text: &t.text,
                conf: t.conf,
                alternatives: &t.alternatives,
                changed: t.changed,
                uncertain: t.uncertain,
            })
            .collect();
        serde_json::to_writer(&mut out, &recs)?;
        out.write_all(b"\n")?;
    }
    Ok(EXIT_OK)
}

/// `vanban extract FILE`.
pub fn extract(g: &Global, a: ExtractArgs) -> Result<u8> {
    let p = convert(g, &a.file)?;
    let mut out = std::io::stdout().lock();
    if a.tables {
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({"metadata": p.doc.metadata, "tables": p.doc.tables}),
        )?;
    } else {
        serde_json::to_writer_pretty(&mut out, &p.doc.metadata)?;
    }
    out.write_all(b"\n")?;
    Ok(EXIT_OK)
}

/// `vanban diff FILE`.
pub fn diff(g: &Global, a: DiffArgs) -> Result<u8> {
    let is_json = a
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let doc: Document = if is_json {
        vanban_review::read_document(&a.file)?
    } else {
        convert(g, &a.file)?.doc
    };
    let color = !a.no_color && g.color.stdout();
    std::io::stdout()
        .lock()
        .write_all(vanban_review::diff_words(&doc, color).as_bytes())?;
    Ok(EXIT_OK)
}

/// `vanban apply-review FILE`.
pub fn apply_review(g: &Global, a: ApplyReviewArgs) -> Result<u8> {
    let applied =
        vanban_review::apply_review_files(&a.file, a.document.as_deref(), g.lexicon.as_deref())?;
    eprintln!(
        "vanban: applied {} decisions to {}; {} words learned{}",
        applied.decisions,
        applied.document.display(),
        applied.confirmed.len(),
        match &g.lexicon {
            Some(l) => format!(" and added to {}", l.display()),
            None => " but not kept (no --lexicon given)".to_string(),
        }
    );
    for s in &applied.skipped {
        eprintln!("vanban: warning: not brought up to date: {s}");
    }
    Ok(EXIT_OK)
}

/// `vanban eval`.
pub fn eval(g: &Global, a: EvalArgs) -> Result<u8> {
    let root = match a.root {
        Some(r) => r,
        None => locate::find_in_project("fixtures/eval")
            .and_then(|p| p.parent().and_then(Path::parent).map(Path::to_path_buf))
            .context("fixtures/eval not found: run from the project folder or pass --root")?,
    };
    let _ = g;
    if let Some(dir) = a.speed_corpus {
        let dict = root.join("dictionaries/vanban.dict");
        let blob =
            std::fs::read(&dict).with_context(|| format!("{}: cannot read", dict.display()))?;
        let mix = vanban_restore::speed::corpus(&dir)?;
        println!(
            "{}",
            vanban_restore::speed::measure_corpus(&blob, &mix, 3)?.line()
        );
        return Ok(EXIT_OK);
    }
    vanban_restore::run_eval(&root, &mut std::io::stdout().lock())?;
    Ok(EXIT_OK)
}

/// `vanban dict build`.
pub fn dict(_g: &Global, c: DictCommand) -> Result<u8> {
    match c {
        DictCommand::Build { data, out } => {
            let data = match data.or_else(|| locate::find_in_project("dictionaries/data")) {
                Some(d) => d,
                None => {
                    bail!("dictionaries/data not found: run from the project folder or pass --data")
                }
            };
            let out =
                out.unwrap_or_else(|| data.parent().unwrap_or(Path::new(".")).join("vanban.dict"));
            let t0 = std::time::Instant::now();
            vanban_restore::build_dictionary(&data, &out).with_context(|| {
                format!("cannot build {} from {}", out.display(), data.display())
            })?;
            eprintln!(
                "vanban: wrote {} in {:.1} s",
                out.display(),
                t0.elapsed().as_secs_f64()
            );
            Ok(EXIT_OK)
        }
    }
}

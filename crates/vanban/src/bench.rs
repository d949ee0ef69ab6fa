//! `vanban bench`: pages per minute and peak memory of the whole ingest pipeline, with 1 job and with
//! all jobs, side by side in one run with the Tesseract command line on the same page images
//! (`tesseract IMG - -l LANG`, one process per page, `xargs -P N`, `OMP_THREAD_LIMIT=1`).
//!
//! The page images are taken from the inputs (default: the bundled fixture scans) through the same page
//! reader as ingest and saved as PNG with their resolution, so both sides read the same pixels. Each
//! vanban run is a child `vanban ingest` process whose peak resident memory (VmHWM) is sampled from
//! /proc; a benchmark, not a test: figures go to stdout and to `--json`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use vanban_input::{discover, InputKind};
use vanban_pages::PageContent;

use crate::engines::Engines;
use crate::{locate, Global, EXIT_OK};

/// Arguments of `vanban bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Scanned inputs whose pages are benchmarked (default: the fixture scans).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Parallel jobs for the "all" runs (default: all cores).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Repeat the page set this many times (more pages, steadier figures).
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Keep the exported page images in this folder (to rerun either side by hand).
    #[arg(long, value_name = "DIR")]
    pub keep_pages: Option<PathBuf>,
}

#[derive(serde::Serialize, Debug)]
struct Run {
    what: String,
    jobs: usize,
    pages: usize,
    seconds: f64,
    pages_per_minute: f64,
    peak_rss_mib: Option<f64>,
}

/// Runs `vanban bench`.
pub fn run(g: &Global, a: BenchArgs) -> Result<u8> {
    let inputs = if a.inputs.is_empty() {
        vec![locate::find_in_project("fixtures").context("fixtures/ not found: name the inputs")?]
    } else {
        a.inputs.clone()
    };
    let jobs = if a.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        a.jobs
    };
    let work = tempfile::tempdir().context("cannot make a temporary folder")?;
    let pages_dir = a
        .keep_pages
        .clone()
        .unwrap_or_else(|| work.path().join("pages"));
    std::fs::create_dir_all(&pages_dir)?;
    let pages = export_pages(g, &inputs, &pages_dir, a.repeat.max(1))?;
    if pages.is_empty() {
        bail!("no scanned pages found in the inputs");
    }
    let exe = std::env::current_exe().context("cannot find the vanban binary")?;
    let mut runs = Vec::new();
    for j in [1, jobs] {
        if j == 1 && jobs == 1 && !runs.is_empty() {
            break;
        }
        runs.push(vanban_run(
            &exe,
            g,
            &pages_dir,
            &work.path().join(format!("out-{j}")),
            j,
            pages.len(),
        )?);
        runs.push(cli_run(g, &pages, j)?);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} ({} page images × {})",
        crate::words::count(pages.len() as u64, "page", "pages"),
        pages.len() / a.repeat.max(1),
        a.repeat.max(1)
    )?;
    writeln!(
        out,
        "{:<34} {:>4} {:>9} {:>11} {:>13}",
        "run", "jobs", "seconds", "pages/min", "peak RSS MiB"
    )?;
    for r in &runs {
        let rss = r
            .peak_rss_mib
            .map_or("-".to_string(), |m| format!("{m:.0}"));
        writeln!(
            out,
            "{:<34} {:>4} {:>9.2} {:>11.1} {:>13}",
            r.what, r.jobs, r.seconds, r.pages_per_minute, rss
        )?;
    }
    for pair in runs.chunks(2) {
        if let [v, c] = pair {
            writeln!(
                out,
                "jobs {}: vanban / tesseract CLI = {:.2}× the pages per minute; {:.0} MiB peak per worker",
                v.jobs,
                v.pages_per_minute / c.pages_per_minute.max(1e-9),
                v.peak_rss_mib.unwrap_or(0.0) / v.jobs as f64
            )?;
        }
    }
    if let Some(p) = &a.json {
        vanban_doc::write_atomic(p, serde_json::to_string_pretty(&runs)?.as_bytes())?;
    }
    Ok(EXIT_OK)
}

/// Saves every scanned page of the inputs as `pages/NNNN.png` (with its DPI); returns (path, dpi).
fn export_pages(
    g: &Global,
    inputs: &[PathBuf],
    dir: &Path,
    repeat: usize,
) -> Result<Vec<(PathBuf, u32)>> {
    let found = discover(inputs, None);
    let needs_pdfium = found.files.iter().any(|f| f.kind == InputKind::Pdf);
    let mut g = g.clone();
    g.no_restore = true;
    let engines = Engines::load(&g, needs_pdfium, false)?;
    let mut pages = Vec::new();
    for f in found.files.iter().filter(|f| f.kind != InputKind::Text) {
        let Ok(src) = engines.open_pages(f) else {
            continue;
        };
        for i in 0..src.page_count() {
            let Ok(PageContent::Image { image, dpi, .. }) = src.page(i) else {
                continue;
            };
            for r in 0..repeat {
                let p = dir.join(format!("{:04}-{r}.png", pages.len()));
                write_png_with_dpi(&p, &image, dpi)?;
                pages.push((p, dpi));
            }
        }
    }
    Ok(pages)
}

fn write_png_with_dpi(path: &Path, img: &image::GrayImage, dpi: u32) -> Result<()> {
    let f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut enc = png::Encoder::new(f, img.width(), img.height());
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: ppm,
        yppu: ppm,
        unit: png::Unit::Meter,
    }));
    enc.write_header()?.write_image_data(img.as_raw())?;
    Ok(())
}

fn vanban_run(
    exe: &Path,
    g: &Global,
    pages_dir: &Path,
    out: &Path,
    jobs: usize,
    n: usize,
) -> Result<Run> {
    let mut cmd = Command::new(exe);
    cmd.arg("ingest")
        .arg(pages_dir)
        .arg("--out")
        .arg(out)
        .arg("--jobs")
        .arg(jobs.to_string())
        .arg("--quiet");
    cmd.arg("--lang").arg(&g.lang);
    if let Some(d) = &g.dict {
        cmd.arg("--dict").arg(d);
    }
    if g.no_restore {
        cmd.arg("--no-restore");
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::inherit());
    let t0 = Instant::now();
    let mut child = cmd.spawn().context("cannot start vanban ingest")?;
    let pid = child.id();
    let mut hwm_kib: Option<f64> = None;
    // The batch runs in a child of `vanban ingest` (its supervisor): the peak is the larger of
    // the two processes' high-water marks.
    let hwm = |pid: &str| -> Option<f64> {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
    };
    let status = loop {
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        for p in
            std::iter::once(pid.to_string()).chain(children.split_whitespace().map(String::from))
        {
            if let Some(k) = hwm(&p) {
                hwm_kib = Some(hwm_kib.map_or(k, |h| h.max(k)));
            }
        }
        if let Some(st) = child.try_wait()? {
            break st;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let seconds = t0.elapsed().as_secs_f64();
    if !status.success() {
        bail!("vanban ingest with {jobs} jobs failed ({status})");
    }
    Ok(Run {
        what: "vanban ingest (OCR+restore+extract)".into(),
        jobs,
        pages: n,
        seconds,
        pages_per_minute: n as f64 * 60.0 / seconds,
        peak_rss_mib: hwm_kib.map(|k| k / 1024.0),
    })
}

fn cli_run(g: &Global, pages: &[(PathBuf, u32)], jobs: usize) -> Result<Run> {
    let list: String = pages
        .iter()
        .map(|(p, _)| format!("{}\n", p.display()))
        .collect();
    let t0 = Instant::now();
    let mut child = Command::new("xargs")
        .args([
            "-P",
            &jobs.to_string(),
            "-I{}",
            "tesseract",
            "{}",
            "-",
            "-l",
            &g.lang,
        ])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run xargs tesseract (is tesseract-ocr installed?)")?;
    child
        .stdin
        .take()
        .context("no stdin")?
        .write_all(list.as_bytes())?;
    let status = child.wait()?;
    let seconds = t0.elapsed().as_secs_f64();
    if !status.success() {
        bail!("the tesseract command line failed ({status})");
    }
    Ok(Run {
        what: "tesseract CLI (xargs -P)".into(),
        jobs,
        pages: pages.len(),
        seconds,
        pages_per_minute: pages.len() as f64 * 60.0 / seconds,
        peak_rss_mib: None,
    })
}

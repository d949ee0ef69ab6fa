//! The OCR stage: a grey page image → lines of words with boxes and confidences, by Tesseract.
//!
//! Create one [`OcrEngine`] per worker thread and reuse it for every page (it is `Send`, not
//! `Sync`: keep it in a `thread_local!` or a per-worker slot). Loading the `vie` model takes about
//! 0.1–0.2 s, a 300 dpi A4 page about 1.9 s of CPU (`examples/ocr_time.rs`, `benches/ocr.rs`).
//! Recognition runs with automatic page segmentation and the page's true resolution, and the
//! result is read from Tesseract's TSV output, which carries block, paragraph, line and word
//! numbers, boxes and confidences. [`OcrEngine::recognize_with`] reads a small image (a table
//! cell's crop) as one line, one block or one word, optionally with a character whitelist; the
//! same engine then reads the next page as a page again.
//!
//! Words become [`vanban_doc::Word`]s (NFC text, box in image pixels, confidence 0..1); each
//! Tesseract paragraph gets its own [`vanban_doc::Line::block`] number, counted from 0 in reading
//! order. Where Tesseract reads a two-column header or footer straight across the gutter (it
//! often does), [`split_columns`] puts the columns back, left then right, each its own block.
//!
//! # OpenMP
//! Debian's `libtesseract.so.5` links `libgomp` and runs parts of the LSTM recogniser on several
//! threads (`ldd /usr/lib/x86_64-linux-gnu/libtesseract.so.5 | grep gomp`). Next to a pool of
//! one engine per core that only oversubscribes the cores: on the 2-core build machine, two
//! threads with an engine each read 11.4 pages/min (300 dpi A4) without the limit and 37.3 with
//! `OMP_THREAD_LIMIT=1`; the same 12 pages cost 54 s of CPU against 23 s
//! (`examples/ocr_time.rs`). libgomp reads the variable when the program
//! starts, so the CLI calls [`reexec_with_omp_thread_limit`] first thing in `main`; an engine
//! created without it logs a warning once.

mod layout;
pub mod linepng;
pub mod noise;
mod tsv;

use std::ffi::CString;
use std::path::{Path, PathBuf};

use image::GrayImage;
use tesseract_plumbing::tesseract_sys::{
    TessPageSegMode, TessPageSegMode_PSM_AUTO, TessPageSegMode_PSM_SINGLE_BLOCK,
    TessPageSegMode_PSM_SINGLE_LINE, TessPageSegMode_PSM_SINGLE_WORD,
};
use tesseract_plumbing::TessBaseApi;
use vanban_doc::Line;

pub use layout::split_columns;
pub use tsv::parse_tsv;

/// Environment variable libgomp reads to cap its threads.
pub const OMP_ENV: &str = "OMP_THREAD_LIMIT";

/// What the OCR engine reads and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcrConfig {
    /// Tesseract language(s), e.g. `vie` or `vie+eng`.
    pub lang: String,
    /// Folder holding `<lang>.traineddata`; `None` uses Tesseract's default (or `TESSDATA_PREFIX`).
    pub tessdata: Option<PathBuf>,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            lang: "vie".into(),
            tessdata: None,
        }
    }
}

/// How Tesseract segments the image it is given (its page-segmentation mode).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Segmentation {
    /// Automatic page layout analysis (PSM 3): a whole page.
    #[default]
    Page,
    /// One uniform block of text (PSM 6): a table cell of several lines.
    Block,
    /// One text line (PSM 7): a one-line table cell.
    Line,
    /// One word (PSM 8): a short code such as an item number.
    Word,
}

impl Segmentation {
    fn psm(self) -> TessPageSegMode {
        match self {
            Segmentation::Page => TessPageSegMode_PSM_AUTO,
            Segmentation::Block => TessPageSegMode_PSM_SINGLE_BLOCK,
            Segmentation::Line => TessPageSegMode_PSM_SINGLE_LINE,
            Segmentation::Word => TessPageSegMode_PSM_SINGLE_WORD,
        }
    }
}

/// How one image is read: its segmentation and, optionally, the only characters allowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recognize<'a> {
    /// Page-segmentation mode.
    pub segmentation: Segmentation,
    /// When set, Tesseract may only output these characters (e.g. `0123456789.` for item numbers).
    pub whitelist: Option<&'a str>,
}

/// OCR failed.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// Tesseract could not load the language model.
    #[error(
        "cannot load the Tesseract model for '{lang}' from {where_}: install it (Debian: \
         tesseract-ocr-vie, tesseract-ocr-eng) or point --tessdata / TESSDATA_PREFIX at the folder \
         holding {lang}.traineddata"
    )]
    Init {
        /// The language asked for.
        lang: String,
        /// The folder looked in.
        where_: String,
    },
    /// A language or path holds a NUL byte.
    #[error("invalid Tesseract setting {0:?}: it holds a NUL byte")]
    BadSetting(String),
    /// The image cannot be given to Tesseract.
    #[error("the page image ({width}x{height} px) cannot be passed to Tesseract: {detail}")]
    Image {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Why.
        detail: String,
    },
    /// Recognition itself failed.
    #[error("Tesseract failed on the page image ({width}x{height} px at {dpi} dpi): {detail}")]
    Recognize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Resolution given.
        dpi: u32,
        /// What failed.
        detail: String,
    },
    /// Tesseract's TSV output could not be read.
    #[error("unreadable Tesseract TSV output, line {line}: {detail}")]
    Tsv {
        /// Line of the TSV text, from 1.
        line: usize,
        /// What is wrong with it.
        detail: String,
    },
}

/// A Tesseract instance with its model loaded, reused page after page by one thread.
pub struct OcrEngine {
    api: TessBaseApi,
    config: OcrConfig,
    /// The character whitelist now set in Tesseract (empty: none).
    whitelist: String,
}

impl std::fmt::Debug for OcrEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcrEngine")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OcrEngine {
    /// Loads the model(s) of `config.lang`.
    pub fn new(config: &OcrConfig) -> Result<OcrEngine, OcrError> {
        let cstr = |s: &str| CString::new(s).map_err(|_| OcrError::BadSetting(s.to_string()));
        let lang = cstr(&config.lang)?;
        let data = match &config.tessdata {
            Some(p) => Some(cstr(&p.to_string_lossy())?),
            None => None,
        };
        let mut api = TessBaseApi::create();
        api.init_2(data.as_deref(), Some(&lang))
            .map_err(|_| OcrError::Init {
                lang: config.lang.clone(),
                where_: config.tessdata.as_deref().map_or_else(
                    || "Tesseract's default folder".to_string(),
                    |p: &Path| p.display().to_string(),
                ),
            })?;
        api.set_page_seg_mode(TessPageSegMode_PSM_AUTO);
        // Tesseract's own progress chatter (`Detected 67 diacritics`) would go to stderr between
        // vanban's messages, even with `--quiet`; what matters comes back as errors instead.
        #[cfg(unix)]
        let _ = api.set_variable(c"debug_file", c"/dev/null");
        // Tesseract reads every word it is unsure of a second time as white on black; documents
        // print no inverted text, and the second reading cost 5–15 % of a page's time (measured
        // with `tesseract -c tessedit_do_invert=0` on the real scans) for no gain in accuracy.
        let _ = api.set_variable(c"tessedit_do_invert", c"0");
        // Tesseract's layout tests every text row for fixed-pitch (typewriter) spacing
        // (`FPCUTPT::assign`, 2.2 % of ingest's CPU on the real scans). The LSTM recogniser reads
        // whole lines and places the spaces itself, so the test changes nothing it returns: the
        // TSV of the 18 real pages, and of a rendered monospace page, is byte-identical with
        // `textord_all_prop=1` (`tesseract PAGE out -l vie tsv` with and without `-c`).
        let _ = api.set_variable(c"textord_all_prop", c"1");
        static OMP_WARNING: std::sync::Once = std::sync::Once::new();
        if !omp_thread_limit_is_one() {
            OMP_WARNING.call_once(|| {
                tracing::warn!(
                    "{OMP_ENV} is not 1: Tesseract's OpenMP threads will compete with the page \
                     workers (measured 3x slower on 2 cores); run with {OMP_ENV}=1"
                )
            });
        }
        Ok(OcrEngine {
            api,
            config: config.clone(),
            whitelist: String::new(),
        })
    }

    /// The configuration the engine was made with.
    pub fn config(&self) -> &OcrConfig {
        &self.config
    }

    /// Recognises `image` (scanned at `dpi`): lines in Tesseract's reading order, words with boxes
    /// inside the image and confidences 0..1. A blank page gives no lines.
    pub fn recognize(&mut self, image: &GrayImage, dpi: u32) -> Result<Vec<Line>, OcrError> {
        self.recognize_with(image, dpi, Recognize::default())
    }

    /// Recognises `image` as [`OcrEngine::recognize`] does, with the segmentation and character
    /// whitelist of `how` (a table cell: [`Segmentation::Line`] or [`Segmentation::Block`]). Lines
    /// of a whole page ([`Segmentation::Page`]) get their columns split ([`split_columns`]); other
    /// modes keep Tesseract's lines as they are.
    pub fn recognize_with(
        &mut self,
        image: &GrayImage,
        dpi: u32,
        how: Recognize<'_>,
    ) -> Result<Vec<Line>, OcrError> {
        let (width, height) = image.dimensions();
        let img_err = |detail: &str| OcrError::Image {
            width,
            height,
            detail: detail.into(),
        };
        let started = std::time::Instant::now();
        if width < 3 || height < 3 {
            // Tesseract refuses images this small; nothing can be written in them anyway.
            return Ok(Vec::new());
        }
        let (w, h) = (
            i32::try_from(width).map_err(|_| img_err("too wide"))?,
            i32::try_from(height).map_err(|_| img_err("too tall"))?,
        );
        if i64::from(w) * i64::from(h) > i64::from(i32::MAX) {
            return Err(img_err("more than 2^31 pixels"));
        }
        self.api
            .set_image(image.as_raw(), w, h, 1, w)
            .map_err(|e| img_err(&e.to_string()))?;
        self.api
            .set_source_resolution(dpi.clamp(1, 4800) as std::os::raw::c_int);
        self.api.set_page_seg_mode(how.segmentation.psm());
        self.set_whitelist(how.whitelist.unwrap_or(""))?;
        let rec_err = |detail: &str| OcrError::Recognize {
            width,
            height,
            dpi,
            detail: detail.into(),
        };
        self.api
            .recognize()
            .map_err(|_| rec_err("recognition returned an error"))?;
        let tsv = self
            .api
            .get_tsv_text(0)
            .map_err(|_| rec_err("no TSV output"))?;
        let text = tsv.as_ref().to_string_lossy();
        let lines = parse_tsv(&text, width, height)?;
        let lines = if how.segmentation == Segmentation::Page {
            split_columns(lines)
        } else {
            lines
        };
        tracing::debug!(
            width,
            height,
            dpi,
            lines = lines.len(),
            mode = ?how.segmentation,
            ms = started.elapsed().as_millis() as u64,
            "OCR done"
        );
        Ok(lines)
    }

    /// Sets (or, with `""`, clears) Tesseract's character whitelist, skipping the call when unchanged.
    fn set_whitelist(&mut self, chars: &str) -> Result<(), OcrError> {
        if self.whitelist == chars {
            return Ok(());
        }
        let value = CString::new(chars).map_err(|_| OcrError::BadSetting(chars.to_string()))?;
        self.api
            .set_variable(c"tessedit_char_whitelist", &value)
            .map_err(|_| OcrError::BadSetting(format!("tessedit_char_whitelist={chars}")))?;
        self.whitelist = chars.to_string();
        Ok(())
    }
}

/// True when the environment caps libgomp at one thread (`OMP_THREAD_LIMIT=1`).
pub fn omp_thread_limit_is_one() -> bool {
    std::env::var(OMP_ENV).is_ok_and(|v| v.trim() == "1")
}

/// glibc malloc settings set on re-execution unless `GLIBC_TUNABLES` is already set: big blocks
/// (page images, Tesseract's Pix) come from the heap instead of fresh `mmap`s, and freed memory is
/// kept for the next page instead of being returned to the kernel. Fresh pages cost a page fault
/// each, and in a process with several workers each fault on a written page flushes the TLBs of
/// the other cores (measured with `perf`: 1.3% of the time in `native_write_msr` IPIs under
/// `pixSetPadBits`). On the 10 fixture scans with 2 jobs: page faults 80k → 64k, CPU 14.5 →
/// 14.1 s, wall 7.8 → 7.6 s (`perf stat -e page-faults,task-clock vanban ingest ... --jobs 2`).
pub const MALLOC_TUNABLES: &str = "glibc.malloc.mmap_threshold=268435456:\
glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864";

/// Re-executes the running program with `OMP_THREAD_LIMIT=1` unless it is already set (libgomp
/// reads the variable only at start-up, so setting it later has no effect), and with
/// [`MALLOC_TUNABLES`] unless `GLIBC_TUNABLES` is set. Returns only when no re-execution was
/// needed (`Ok`) or it failed (`Err`). Call it first thing in `main`.
#[cfg(unix)]
pub fn reexec_with_omp_thread_limit() -> std::io::Result<()> {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(OMP_ENV).is_some() {
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(std::env::args_os().skip(1)).env(OMP_ENV, "1");
    if std::env::var_os("GLIBC_TUNABLES").is_none() {
        cmd.env("GLIBC_TUNABLES", MALLOC_TUNABLES);
    }
    Err(cmd.exec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_language_is_a_clear_error() {
        let cfg = OcrConfig {
            lang: "zz_nonexistent".into(),
            tessdata: None,
        };
        let msg = OcrEngine::new(&cfg).unwrap_err().to_string();
        assert!(
            msg.contains("zz_nonexistent") && msg.contains("tessdata"),
            "{msg}"
        );
    }

    #[test]
    fn an_engine_can_move_to_a_worker_thread() {
        fn send<T: Send>() {}
        send::<OcrEngine>();
    }

    #[test]
    fn nul_in_language_is_refused() {
        let cfg = OcrConfig {
            lang: "vie\0".into(),
            tessdata: None,
        };
        assert!(matches!(OcrEngine::new(&cfg), Err(OcrError::BadSetting(_))));
    }
}

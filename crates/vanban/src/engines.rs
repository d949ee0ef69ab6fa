//! The heavy parts a run loads once and shares: the pdfium binding, the restorer's dictionary, and one
//! Tesseract engine per worker thread (created on the thread's first page, reused for every later page).

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use image::GrayImage;
use vanban_doc::Line;
use vanban_input::{InputFile, InputKind};
use vanban_ocr::{OcrConfig, OcrEngine, OcrError, Recognize};
use vanban_pages::{FileKind, PageOptions, PageSource};

use crate::process::DocError;
use vanban_restore::Restorer;

use crate::{locate, Global};

/// Where the compiled dictionary is looked for, relative to the project.
pub const DICT_REL: &str = "dictionaries/vanban.dict";

/// What every stage of a run needs, loaded once.
pub struct Engines {
    /// How pages are read (`--partial` is set by `vanban ingest`).
    pub page_opts: PageOptions,
    ocr_opts: OcrConfig,
    /// The restorer, unless `--no-restore`.
    pub restorer: Option<Restorer>,
    /// Set by Ctrl-C: workers stop at the next page.
    pub stop: Arc<AtomicBool>,
    /// The engine loaded to check the language data, for the first worker that needs one.
    spare: std::sync::Mutex<Option<OcrEngine>>,
}

thread_local! {
    static OCR: RefCell<Option<OcrEngine>> = const { RefCell::new(None) };
}

impl Engines {
    /// Loads what the inputs need: pdfium for PDFs, the dictionary unless restoration is off.
    pub fn load(g: &Global, needs_pdfium: bool, needs_ocr: bool) -> Result<Engines> {
        if needs_pdfium {
            // Bound once per process; a missing library is a fatal error that says how to install it.
            vanban_pages::bind_pdfium(g.pdfium.as_deref())?;
        }
        let ocr_opts = OcrConfig {
            lang: g.lang.clone(),
            tessdata: g.tessdata.clone(),
        };
        // Fail early, and clearly, when the language data is missing; the engine is kept for a worker.
        let spare = if needs_ocr {
            Some(OcrEngine::new(&ocr_opts)?)
        } else {
            None
        };
        let restorer = if g.no_restore {
            None
        } else {
            Some(load_restorer(g)?)
        };
        Ok(Engines {
            page_opts: PageOptions {
                dpi: g.dpi,
                force_ocr: g.force_ocr,
                pdfium: g.pdfium.clone(),
                partial: false,
            },
            ocr_opts,
            restorer,
            stop: Arc::new(AtomicBool::new(false)),
            spare: std::sync::Mutex::new(spare),
        })
    }

    /// Opens an input's pages. Its content decides how it is read: a file whose name says another
    /// format (a `.png` holding a JPEG) is read as what it is, with a warning (issue 11).
    pub fn open_pages(&self, input: &InputFile) -> Result<PageSource, DocError> {
        let expected = match input.kind {
            InputKind::Pdf => FileKind::Pdf,
            InputKind::Tiff => FileKind::Tiff,
            InputKind::Png => FileKind::Png,
            InputKind::Jpeg => FileKind::Jpeg,
            InputKind::Text => return Err(DocError::Text("a text file has no page images".into())),
        };
        let src = PageSource::open(&input.path, &self.page_opts)
            .map_err(|e| DocError::pages(&e, &input.path))?;
        // Image decoders warn themselves (vanban_pages::raster); a PDF under an image's name here.
        if src.kind() != expected && src.kind() == FileKind::Pdf {
            tracing::warn!(
                "{}: named as a {} file but its content is a PDF; reading it as a PDF",
                vanban_input::shown(&input.path),
                kind_name(expected)
            );
        }
        Ok(src)
    }

    /// Opens a PDF with every page rendered as an image (text layers ignored), for table finding.
    pub fn open_pages_rendered(&self, input: &InputFile) -> Result<PageSource, DocError> {
        let opts = PageOptions {
            force_ocr: true,
            ..self.page_opts.clone()
        };
        PageSource::open(&input.path, &opts).map_err(|e| DocError::pages(&e, &input.path))
    }

    /// OCRs a page image with this thread's engine.
    pub fn recognize(&self, image: &GrayImage, dpi: u32) -> Result<Vec<Line>, OcrError> {
        self.recognize_with(image, dpi, Recognize::default())
    }

    /// OCRs an image (a whole page, or a table cell's crop) with this thread's engine, segmented
    /// and restricted as `how` says.
    pub fn recognize_with(
        &self,
        image: &GrayImage,
        dpi: u32,
        how: Recognize<'_>,
    ) -> Result<Vec<Line>, OcrError> {
        OCR.with(|cell| {
            let mut slot = cell.borrow_mut();
            let engine = match slot.as_mut() {
                Some(e) => e,
                None => {
                    let spare = self.spare.lock().unwrap_or_else(|e| e.into_inner()).take();
                    match spare {
                        Some(e) => slot.insert(e),
                        None => {
                            tracing::debug!("loading the OCR engine of this worker");
                            slot.insert(OcrEngine::new(&self.ocr_opts)?)
                        }
                    }
                }
            };
            engine.recognize_with(image, dpi, how)
        })
    }
}

fn kind_name(k: FileKind) -> &'static str {
    match k {
        FileKind::Pdf => "PDF",
        FileKind::Tiff => "TIFF",
        FileKind::Png => "PNG",
        FileKind::Jpeg => "JPEG",
    }
}

/// Drops the OCR engines of a pool's worker threads (before the process exits, so that Tesseract's
/// shared model cache is released in order).
pub fn release_ocr_engines(pool: &rayon::ThreadPool) {
    pool.broadcast(|_| OCR.with(|c| c.borrow_mut().take()));
}

/// Loads the compiled dictionary (and the user lexicon, when given).
pub fn load_restorer(g: &Global) -> Result<Restorer> {
    let Some(path) = locate::resolve(g.dict.as_deref(), "VANBAN_DICT", DICT_REL) else {
        bail!(
            "the compiled dictionary ({DICT_REL}) was not found: run scripts/setup.sh (or `vanban dict build`), \
             or name it with --dict / VANBAN_DICT"
        );
    };
    let mut r = Restorer::load(&path)
        .with_context(|| format!("{}: cannot load the dictionary", path.display()))?;
    if let Some(lex) = &g.lexicon {
        let words = read_lexicon(lex)?;
        r = r.with_user_lexicon(words);
    }
    Ok(r)
}

/// Reads a user lexicon: one word or name a line, `#` comments and blank lines ignored. A missing file
/// is an empty lexicon (apply-review creates it).
pub fn read_lexicon(path: &PathBuf) -> Result<Vec<String>> {
    use unicode_normalization::UnicodeNormalization;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "{}: no such lexicon file (a mistyped path would silently drop the clerks' words; \
                 create it empty, or let `vanban apply-review` create it)",
                path.display()
            )
        }
        Err(e) => {
            return Err(e).with_context(|| format!("{}: cannot read the lexicon", path.display()))
        }
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.nfc().collect())
        .collect())
}

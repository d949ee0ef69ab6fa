//! Searchable PDF (`<stem>.pdf`): the source's pages as they are, with an invisible text layer of
//! the corrected words, so that selecting, searching and copying give the restored Vietnamese.
//!
//! - A PDF source is loaded ([`lopdf`]) and each OCRed page gets one more content stream: the page's
//!   own content runs inside `q … Q` and the text follows, so nothing of the page is decoded or
//!   re-encoded (a scan's JPEG or CCITT stream keeps its bytes); the words are mapped onto the
//!   rectangle the scan is drawn in. An earlier invisible OCR layer of the page is left out (its
//!   text-showing operators; the page's content is otherwise kept). Pages read from their own text
//!   layer are left as they are.
//! - A JPEG source is embedded as a `DCTDecode` image with its bytes copied; PNG and TIFF pages are
//!   embedded losslessly (`FlateDecode`; a bilevel TIFF page stays 1 bit a pixel).
//!
//! The text is drawn as Tesseract's PDF renderer draws it: render mode 3 (invisible), in a tiny
//! embedded glyphless TrueType font (Tesseract's `pdf.ttf`, Apache-2.0) used as a Type0 /
//! CIDFontType2 font with `Identity-H` encoding, the CID of each character being its UTF-16 code
//! and a `ToUnicode` CMap mapping it back, so any Vietnamese text copies right. Each word is set at
//! its box (page-image pixels at `page.dpi`, mapped through the page's crop box and rotation) and
//! stretched with `Tz` to the box's width.
//!
//! The file aims at PDF/A-2b: XMP metadata (title, number, date, issuer; `pdfaid` part 2, B), an sRGB
//! output intent, the font embedded, no `Info` dictionary to contradict the XMP, a file identifier.
//! The `pdfaid` claim is left out for a PDF source that has what PDF/A forbids (encryption, LZW,
//! fonts not embedded).

use std::io::Write as _;
use std::sync::OnceLock;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use vanban_doc::{BBox, Document, Origin, Page};

use crate::{placed_words, Placed, PRODUCER};

/// The glyphless TrueType font (from Tesseract's tessdata `pdf.ttf`, Apache-2.0).
const GLYPHLESS_TTF: &[u8] = include_bytes!("../data/glyphless.ttf");
/// Resource name of the text-layer font.
const FONT_NAME: &str = "FVanbanOcr";
/// Advance of every glyph, in thousandths of the font size (Tesseract's `kCharWidth` = 2).
const CHAR_ADVANCE: f64 = 0.5;

/// Why the searchable PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The source PDF could not be read or changed.
    #[error("searchable PDF: cannot read the source PDF: {0}")]
    Source(String),
    /// The source image could not be read.
    #[error("searchable PDF: cannot read the source image: {0}")]
    Image(String),
    /// The source's pages do not match the document's.
    #[error("searchable PDF: the source has {source_pages} pages, the document {doc_pages}")]
    PageCount {
        /// Pages of the source file.
        source_pages: usize,
        /// Pages of the document.
        doc_pages: usize,
    },
    /// The source is not a PDF, JPEG, PNG or TIFF (a text input has no page images).
    #[error("searchable PDF: the source is not a PDF, JPEG, PNG or TIFF file")]
    Unsupported,
    /// Serializing the PDF failed.
    #[error("searchable PDF: cannot write: {0}")]
    Write(String),
}

/// What kind of file a source is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A PDF file.
    Pdf,
    /// A JPEG image.
    Jpeg,
    /// A PNG image.
    Png,
    /// A TIFF image (one page or more).
    Tiff,
}

/// The kind of a source file by its magic bytes; `None` for anything else (text inputs).
pub fn source_kind(bytes: &[u8]) -> Option<SourceKind> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        Some(SourceKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(SourceKind::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(SourceKind::Png)
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Some(SourceKind::Tiff)
    } else {
        None
    }
}

/// The searchable PDF of `doc`, made from `source`, the bytes of the file the document was read from.
pub fn searchable_pdf(doc: &Document, source: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut pdf = match source_kind(source).ok_or(PdfError::Unsupported)? {
        SourceKind::Pdf => overlay_pdf(doc, source)?,
        kind => images_pdf(doc, source, kind)?,
    };
    let mut out = Vec::with_capacity(source.len() + 64 * 1024);
    pdf.save_to(&mut out)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The text layer

/// Maps the pixel frame of a page image onto PDF user space.
struct Frame {
    /// Points per pixel, across and down.
    kx: f64,
    ky: f64,
    /// Height of the displayed page in points.
    height: f64,
    /// `cm` operands mapping the displayed page (origin bottom left, y up) to user space.
    cm: [f64; 6],
}

impl Frame {
    /// The frame of an image page of `w`x`h` points drawn at the origin.
    fn plain(page: &Page, w: f64, h: f64) -> Frame {
        Frame {
            kx: w / f64::from(page.width.max(1)),
            ky: h / f64::from(page.height.max(1)),
            height: h,
            cm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        }
    }

    /// The frame of a PDF page with visible box `[x0 y0 x1 y1]` and `/Rotate` `rotate`.
    fn of_box(page: &Page, b: [f64; 4], rotate: i64) -> Frame {
        let [x0, y0, x1, y1] = b;
        let (bw, bh) = (x1 - x0, y1 - y0);
        let rot = rotate.rem_euclid(360);
        let (dw, dh) = if rot == 90 || rot == 270 {
            (bh, bw)
        } else {
            (bw, bh)
        };
        let cm = match rot {
            90 => [0.0, 1.0, -1.0, 0.0, x1, y0],
            180 => [-1.0, 0.0, 0.0, -1.0, x1, y1],
            270 => [0.0, -1.0, 1.0, 0.0, x0, y1],
            _ => [1.0, 0.0, 0.0, 1.0, x0, y0],
        };
        Frame {
            cm,
            ..Frame::plain(page, dw, dh)
        }
    }
}

fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The words of a line split into runs that stand on one visual line: a table row read as one line
/// holds cells of several lines each, and one baseline for all of them would run their words together.
fn visual_runs(words: Vec<Placed>) -> Vec<(BBox, Vec<Placed>)> {
    let mut runs: Vec<(BBox, Vec<Placed>)> = Vec::new();
    for w in words {
        let mid = (w.bbox.y0 + w.bbox.y1) / 2;
        // Compared with the run's last word, not its whole box: a box grown word by word would
        // reach down into the cell's next line.
        let follows = |ws: &[Placed]| {
            ws.last().is_some_and(|l| {
                (l.bbox.y0..=l.bbox.y1).contains(&mid)
                    && (l.bbox.y0..=l.bbox.y1)
                        .contains(&((l.bbox.y0 + l.bbox.y1) / 2).clamp(w.bbox.y0, w.bbox.y1))
                    && w.bbox.x0 + 2 >= l.bbox.x1.min(l.bbox.x0 + 2)
            })
        };
        match runs.last_mut() {
            Some((b, ws)) if follows(ws) => {
                *b = b.union(w.bbox);
                ws.push(w);
            }
            _ => runs.push((w.bbox, vec![w])),
        }
    }
    runs
}

/// The content stream drawing the page's corrected words invisibly; empty when it has none.
fn text_layer(page: &Page, f: &Frame) -> Vec<u8> {
    let mut s = String::new();
    for line in &page.lines {
        let words = placed_words(line);
        if words.is_empty() {
            continue;
        }
        let runs = visual_runs(words);
        for (k, (_, words)) in runs.iter().enumerate() {
            // One baseline and size for a visual line, so that extractors keep its words together;
            // from the words' boxes, not the line's, which can reach into the next line.
            // Medians, not the run's box: one wrong box (a speck joined to a word) would stretch
            // the line over its neighbours.
            let median = |mut v: Vec<u32>| {
                v.sort_unstable();
                v[v.len() / 2]
            };
            let top = median(words.iter().map(|w| w.bbox.y0).collect());
            let bottom = median(words.iter().map(|w| w.bbox.y1).collect()).max(top + 1);
            let size = (f64::from(bottom - top) * f.ky).max(1.0);
            let base = f.height - f64::from(bottom) * f.ky;
            s.push_str(&format!("/{FONT_NAME} {} Tf\n", num(size)));
            let last_run = k + 1 == runs.len();
            for (i, w) in words.iter().enumerate() {
                let next = words.get(i + 1).map(|n| n.bbox);
                let mut text: Vec<u16> = w.text.encode_utf16().collect();
                // Each word but the line's last carries a space, so copying keeps the words apart.
                let span_px = match next {
                    Some(n) if n.x0 > w.bbox.x0 => n.x0 - w.bbox.x0,
                    _ => w.bbox.width(),
                };
                if next.is_some() || !last_run {
                    text.push(u16::from(b' '));
                }
                let natural = text.len() as f64 * CHAR_ADVANCE * size;
                let stretch =
                    (100.0 * f64::from(span_px.max(1)) * f.kx / natural).clamp(0.1, 10_000.0);
                s.push_str(&format!(
                    "1 0 0 1 {} {} Tm {} Tz <",
                    num(f64::from(w.bbox.x0) * f.kx),
                    num(base),
                    num(stretch)
                ));
                for u in text {
                    s.push_str(&format!("{u:04X}"));
                }
                s.push_str("> Tj\n");
            }
        }
    }
    if s.is_empty() {
        return Vec::new();
    }
    let [a, b, c, d, e, g] = f.cm.map(num);
    format!("q\n{a} {b} {c} {d} {e} {g} cm\nBT\n3 Tr\n{s}ET\nQ\n").into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Shared objects: the font, the output intent, the XMP metadata

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("writing to memory cannot fail");
    e.finish().expect("writing to memory cannot fail")
}

fn flate_stream(mut dict: Dictionary, raw: &[u8]) -> Stream {
    dict.set("Filter", "FlateDecode");
    Stream::new(dict, deflate(raw)).with_compression(false)
}

/// `CIDToGIDMap`: every CID to glyph 1, the one glyph of the font.
fn cid_to_gid_map() -> &'static [u8] {
    static MAP: OnceLock<Vec<u8>> = OnceLock::new();
    MAP.get_or_init(|| deflate(&[0u8, 1].repeat(65536)))
}

/// `ToUnicode` CMap: CID = UTF-16 code, for the whole Basic Multilingual Plane but the surrogates.
fn to_unicode_cmap() -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let hi: Vec<u32> = (0..=0xFFu32)
        .filter(|h| !(0xD8..=0xDF).contains(h))
        .collect();
    for chunk in hi.chunks(100) {
        s.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for h in chunk {
            s.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

/// Adds the glyphless Type0 font; returns the font dictionary's id.
fn add_font(pdf: &mut lopdf::Document) -> ObjectId {
    let file = pdf.add_object(flate_stream(
        dictionary! { "Length1" => GLYPHLESS_TTF.len() as i64 },
        GLYPHLESS_TTF,
    ));
    let descriptor = pdf.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "GlyphLessFont",
        "Flags" => 5,
        "FontBBox" => vec![0.into(), 0.into(), 500.into(), 1000.into()],
        "ItalicAngle" => 0,
        "Ascent" => 1000,
        "Descent" => -1,
        "CapHeight" => 1000,
        "StemV" => 80,
        "FontFile2" => file,
    });
    let mut map_dict = Dictionary::new();
    map_dict.set("Filter", "FlateDecode");
    let map =
        pdf.add_object(Stream::new(map_dict, cid_to_gid_map().to_vec()).with_compression(false));
    let cid_font = pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "GlyphLessFont",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => (CHAR_ADVANCE * 1000.0) as i64,
        "CIDToGIDMap" => map,
    });
    let to_unicode = pdf.add_object(flate_stream(Dictionary::new(), &to_unicode_cmap()));
    pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "GlyphLessFont",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    })
}

/// The sRGB ICC profile of the output intent (made by `moxcms`).
fn srgb_icc() -> Result<&'static [u8], PdfError> {
    static ICC: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    ICC.get_or_init(|| {
        let mut icc = moxcms::ColorProfile::new_srgb()
            .encode()
            .map_err(|e| format!("{e:?}"))?;
        // moxcms dates the profile at the time of encoding; a fixed date (the header's dateTime
        // field, bytes 24-35: year, month, day, hours, minutes, seconds as big-endian u16) keeps
        // the profile the same bytes in every file and every run.
        if let Some(date) = icc.get_mut(24..36) {
            for (field, v) in date.chunks_mut(2).zip([1998u16, 2, 9, 6, 49, 0]) {
                field.copy_from_slice(&v.to_be_bytes());
            }
        }
        Ok(icc)
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(|e| PdfError::Write(format!("sRGB profile: {e}")))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Now as an XMP date (UTC), or `SOURCE_DATE_EPOCH` (seconds since 1970) when it is set, so that
/// reproducible runs (and a sharded run compared with an unsharded one) give the same bytes.
fn xmp_now() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()) as i64
        });
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// The XMP packet: title, number, date and issuer of the document, and the PDF/A-2b claim.
fn xmp(doc: &Document, pdfa: bool) -> Vec<u8> {
    let m = &doc.metadata;
    let now = xmp_now();
    let mut dc = format!(
        "   <dc:format>application/pdf</dc:format>\n   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n   <dc:language><rdf:Bag><rdf:li>vi</rdf:li></rdf:Bag></dc:language>\n",
        xml_escape(&crate::document_title(doc))
    );
    if let Some(n) = &m.number {
        dc.push_str(&format!(
            "   <dc:identifier>{}</dc:identifier>\n",
            xml_escape(n)
        ));
    }
    if let Some(d) = &m.issued_date {
        dc.push_str(&format!(
            "   <dc:date><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:date>\n",
            xml_escape(d)
        ));
    }
    if let Some(i) = &m.issuer {
        dc.push_str(&format!(
            "   <dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            xml_escape(i)
        ));
    }
    if let Some(s) = &m.subject {
        dc.push_str(&format!(
            "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            xml_escape(s)
        ));
    }
    let pdfaid = if pdfa {
        "   <pdfaid:part>2</pdfaid:part>\n   <pdfaid:conformance>B</pdfaid:conformance>\n"
    } else {
        ""
    };
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  \
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n{dc}   \
<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>\n   <xmp:CreateDate>{now}</xmp:CreateDate>\n   \
<xmp:ModifyDate>{now}</xmp:ModifyDate>\n   <xmp:MetadataDate>{now}</xmp:MetadataDate>\n   \
<pdf:Producer>{PRODUCER}</pdf:Producer>\n{pdfaid}  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n\
<?xpacket end=\"w\"?>\n"
    )
    .into_bytes()
}

/// Adds the XMP metadata, the output intent and the file identifier; drops the `Info` dictionary.
fn finish_pdfa(pdf: &mut lopdf::Document, doc: &Document, pdfa: bool) -> Result<(), PdfError> {
    let meta = pdf.add_object(
        Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            xmp(doc, pdfa),
        )
        .with_compression(false),
    );
    let icc = srgb_icc()?;
    let profile = pdf.add_object(flate_stream(dictionary! { "N" => 3 }, icc));
    let intent = dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => profile,
    };
    let root = pdf
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| PdfError::Source(format!("no catalog: {e}")))?;
    let catalog = pdf
        .get_dictionary_mut(root)
        .map_err(|e| PdfError::Source(format!("no catalog: {e}")))?;
    catalog.set("Metadata", meta);
    if !catalog.has(b"OutputIntents") {
        catalog.set("OutputIntents", vec![Object::Dictionary(intent)]);
    }
    if !catalog.has(b"Lang") {
        catalog.set("Lang", Object::string_literal("vi"));
    }
    pdf.trailer.remove(b"Info");
    let id: Vec<u8> = (0..16)
        .map(|i| {
            u8::from_str_radix(doc.source.sha256.get(2 * i..2 * i + 2).unwrap_or("00"), 16)
                .unwrap_or(0)
        })
        .collect();
    let first = match pdf.trailer.get(b"ID").and_then(Object::as_array) {
        Ok(a) if !a.is_empty() => a[0].clone(),
        _ => Object::String(id.clone(), StringFormat::Hexadecimal),
    };
    pdf.trailer.set(
        "ID",
        vec![first, Object::String(id, StringFormat::Hexadecimal)],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PDF sources

/// An attribute of a page, inherited from its page-tree parents when the page lacks it.
fn inherited(pdf: &lopdf::Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    let mut id = page;
    for _ in 0..64 {
        let dict = pdf.get_dictionary(id).ok()?;
        if let Ok(v) = dict.get(key) {
            return pdf.dereference(v).ok().map(|(_, o)| o.clone());
        }
        id = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

fn rect(pdf: &lopdf::Document, o: &Object) -> Option<[f64; 4]> {
    let a = o.as_array().ok()?;
    let v: Vec<f64> = a
        .iter()
        .filter_map(|x| pdf.dereference(x).ok()?.1.as_float().ok().map(f64::from))
        .collect();
    (v.len() == 4).then(|| {
        [
            v[0].min(v[2]),
            v[1].min(v[3]),
            v[0].max(v[2]),
            v[1].max(v[3]),
        ]
    })
}

/// What stops a PDF source from being claimed PDF/A: encryption, LZW streams, fonts not embedded.
fn pdfa_blocker(pdf: &lopdf::Document, encrypted: bool) -> Option<&'static str> {
    if encrypted {
        return Some("encrypted");
    }
    for obj in pdf.objects.values() {
        match obj {
            Object::Stream(s) => {
                let lzw = match s.dict.get(b"Filter") {
                    Ok(Object::Name(n)) => n == b"LZWDecode",
                    Ok(Object::Array(a)) => a
                        .iter()
                        .any(|f| matches!(f, Object::Name(n) if n == b"LZWDecode")),
                    _ => false,
                };
                if lzw {
                    return Some("LZW-compressed stream");
                }
            }
            Object::Dictionary(d)
                if d.has_type(b"FontDescriptor")
                    && !(d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3")) =>
            {
                return Some("font not embedded");
            }
            Object::Dictionary(d)
                if d.has_type(b"Font")
                    && matches!(d.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Type1" || n == b"TrueType")
                    && !d.has(b"FontDescriptor") =>
            {
                return Some("font not embedded");
            }
            _ => {}
        }
    }
    None
}

/// What a PDF source page's own content shows: where its largest image is drawn (user space, for
/// an image drawn upright), and its content with earlier invisible text taken out.
struct PageContent {
    /// `[x0 y0 x1 y1]` and pixel size of the largest upright image.
    image: Option<([f64; 4], u32, u32)>,
    /// The content without its invisible text, when it had some (an earlier OCR layer).
    stripped: Option<Vec<u8>>,
}

fn mul(a: [f64; 6], b: [f64; 6]) -> [f64; 6] {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// Reads a page's content: the placement of its images (through `q`, `Q` and `cm`) and the text
/// shown in render mode 3, which is dropped (only the showing operators; text state is kept).
fn read_page_content(
    pdf: &lopdf::Document,
    pid: ObjectId,
    resources: &Dictionary,
) -> Option<PageContent> {
    use lopdf::content::Content;
    let mut bytes = Vec::new();
    for id in pdf.get_page_contents(pid) {
        let s = pdf.get_object(id).ok()?.as_stream().ok()?;
        bytes.extend(
            s.decompressed_content()
                .ok()
                .unwrap_or_else(|| s.content.clone()),
        );
        bytes.push(b'\n');
    }
    let mut content = Content::decode(&bytes).ok()?;
    let xobjects = resources
        .get(b"XObject")
        .ok()
        .and_then(|o| pdf.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok());
    let (mut ctm, mut tr) = ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 0i64);
    let mut stack: Vec<([f64; 6], i64)> = Vec::new();
    let mut image: Option<([f64; 4], u32, u32)> = None;
    let mut keep = Vec::with_capacity(content.operations.len());
    let mut dropped = false;
    for op in content.operations.drain(..) {
        let nums = || -> Vec<f64> {
            op.operands
                .iter()
                .filter_map(|o| o.as_float().ok().map(f64::from))
                .collect()
        };
        match op.operator.as_str() {
            "q" => stack.push((ctm, tr)),
            "Q" => (ctm, tr) = stack.pop().unwrap_or((ctm, tr)),
            "cm" => {
                if let [a, b, c, d, e, f] = nums()[..] {
                    ctm = mul([a, b, c, d, e, f], ctm);
                }
            }
            "Tr" => {
                tr = op
                    .operands
                    .first()
                    .and_then(|o| o.as_i64().ok())
                    .unwrap_or(tr)
            }
            "Tj" | "TJ" | "'" | "\"" if tr == 3 => {
                dropped = true;
                continue;
            }
            "Do" => {
                let stream = op
                    .operands
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|n| xobjects?.get(n).ok())
                    .and_then(|o| pdf.dereference(o).ok())
                    .and_then(|(_, o)| o.as_stream().ok());
                if let Some(s) = stream.filter(|s| {
                    s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image")
                }) {
                    let px = |k: &[u8]| {
                        s.dict.get(k).and_then(Object::as_i64).unwrap_or(0).max(0) as u32
                    };
                    let upright = ctm[1] == 0.0 && ctm[2] == 0.0 && ctm[0] > 0.0 && ctm[3] > 0.0;
                    let area = ctm[0] * ctm[3];
                    if upright
                        && !image.is_some_and(|(r, _, _)| (r[2] - r[0]) * (r[3] - r[1]) >= area)
                    {
                        image = Some((
                            [ctm[4], ctm[5], ctm[4] + ctm[0], ctm[5] + ctm[3]],
                            px(b"Width"),
                            px(b"Height"),
                        ));
                    }
                }
            }
            _ => {}
        }
        keep.push(op);
    }
    let stripped = if dropped {
        Some(Content { operations: keep }.encode().ok()?)
    } else {
        None
    };
    Some(PageContent { image, stripped })
}

fn overlay_pdf(doc: &Document, source: &[u8]) -> Result<lopdf::Document, PdfError> {
    let src_err = |e: lopdf::Error| PdfError::Source(e.to_string());
    let encrypted = {
        let head = &source[source.len().saturating_sub(4096)..];
        head.windows(8).any(|w| w == b"/Encrypt")
    };
    let mut pdf = lopdf::Document::load_mem(source).map_err(src_err)?;
    // lopdf decrypts a file with the empty user password as it loads it; the copy is plain.
    pdf.trailer.remove(b"Encrypt");
    let pages = pdf.get_pages();
    if pages.len() != doc.pages.len() {
        return Err(PdfError::PageCount {
            source_pages: pages.len(),
            doc_pages: doc.pages.len(),
        });
    }
    let blocker = pdfa_blocker(&pdf, encrypted || pdf.is_encrypted());
    let font = add_font(&mut pdf);
    for (page, (_, &pid)) in doc.pages.iter().zip(pages.iter()) {
        if page.origin != Origin::Ocr || page.width == 0 || page.height == 0 {
            continue;
        }
        let visible = inherited(&pdf, pid, b"CropBox")
            .and_then(|o| rect(&pdf, &o))
            .or_else(|| inherited(&pdf, pid, b"MediaBox").and_then(|o| rect(&pdf, &o)))
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let rotate = inherited(&pdf, pid, b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        let mut resources = match inherited(&pdf, pid, b"Resources") {
            Some(Object::Dictionary(d)) => d,
            _ => Dictionary::new(),
        };
        let own = read_page_content(&pdf, pid, &resources);
        // A page read from its one embedded image has the image's pixels: the words map onto the
        // rectangle the image is drawn in, not onto the whole page.
        let frame = match own.as_ref().and_then(|c| c.image) {
            Some((r, w, h))
                if rotate.rem_euclid(360) == 0 && (w, h) == (page.width, page.height) =>
            {
                Frame::of_box(page, r, 0)
            }
            _ => Frame::of_box(page, visible, rotate),
        };
        let text = text_layer(page, &frame);
        if text.is_empty() {
            continue;
        }
        let mut fonts = match resources.get(b"Font").ok().map(|o| pdf.dereference(o)) {
            Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
            _ => Dictionary::new(),
        };
        fonts.set(FONT_NAME, font);
        resources.set("Font", fonts);
        let open = pdf.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let mut closing = b"Q\n".to_vec();
        closing.extend_from_slice(&text);
        let layer = pdf.add_object(flate_stream(Dictionary::new(), &closing));
        let mut contents = vec![Object::Reference(open)];
        let page_dict = pdf.get_dictionary(pid).map_err(src_err)?;
        // An earlier OCR layer (invisible text) would be found and copied twice: it is left out,
        // the rest of the page's content kept as it was.
        let stripped = own.and_then(|c| c.stripped);
        match page_dict.get(b"Contents") {
            _ if stripped.is_some() => {
                let s = flate_stream(Dictionary::new(), &stripped.unwrap_or_default());
                contents.push(Object::Reference(pdf.add_object(s)));
            }
            Ok(Object::Reference(r)) => match pdf.get_object(*r) {
                Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
                _ => contents.push(Object::Reference(*r)),
            },
            Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
            _ => {}
        }
        contents.push(Object::Reference(layer));
        let page_dict = pdf.get_dictionary_mut(pid).map_err(src_err)?;
        page_dict.set("Contents", contents);
        page_dict.set("Resources", resources);
    }
    if pdf.version.as_str() < "1.7" {
        pdf.version = "1.7".into();
    }
    finish_pdfa(&mut pdf, doc, blocker.is_none())?;
    Ok(pdf)
}

// ---------------------------------------------------------------------------------------------
// Image sources

/// A page image as a PDF image XObject.
struct PageImage {
    width: u32,
    height: u32,
    stream: Stream,
}

fn image_stream(
    width: u32,
    height: u32,
    color: &str,
    bits: i64,
    data: Vec<u8>,
    filter: &str,
    decode_inverted: bool,
) -> PageImage {
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(width),
        "Height" => i64::from(height),
        "ColorSpace" => color,
        "BitsPerComponent" => bits,
        "Filter" => filter,
    };
    if decode_inverted {
        dict.set("Decode", vec![1.into(), 0.into()]);
    }
    PageImage {
        width,
        height,
        stream: Stream::new(dict, data).with_compression(false),
    }
}

/// A decoded image flattened onto white and embedded losslessly (8-bit grey or RGB).
fn flate_image(img: image::DynamicImage) -> PageImage {
    use image::DynamicImage as D;
    let (w, h) = (img.width(), img.height());
    let grey = matches!(
        img,
        D::ImageLuma8(_) | D::ImageLumaA8(_) | D::ImageLuma16(_) | D::ImageLumaA16(_)
    );
    let has_alpha = img.color().has_alpha();
    if grey {
        let raw = if has_alpha {
            let la = img.into_luma_alpha8();
            la.pixels()
                .map(|p| {
                    let (v, a) = (u32::from(p[0]), u32::from(p[1]));
                    ((v * a + 255 * (255 - a)) / 255) as u8
                })
                .collect()
        } else {
            img.into_luma8().into_raw()
        };
        image_stream(w, h, "DeviceGray", 8, deflate(&raw), "FlateDecode", false)
    } else {
        let raw: Vec<u8> = if has_alpha {
            img.into_rgba8()
                .pixels()
                .flat_map(|p| {
                    let a = u32::from(p[3]);
                    [0, 1, 2].map(|c| ((u32::from(p[c]) * a + 255 * (255 - a)) / 255) as u8)
                })
                .collect()
        } else {
            img.into_rgb8().into_raw()
        };
        image_stream(w, h, "DeviceRGB", 8, deflate(&raw), "FlateDecode", false)
    }
}

fn jpeg_image(source: &[u8]) -> Result<PageImage, PdfError> {
    use image::ImageDecoder;
    let err = |e: image::ImageError| PdfError::Image(e.to_string());
    let dec = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(source)).map_err(err)?;
    let (w, h) = dec.dimensions();
    let color = match dec.original_color_type() {
        image::ExtendedColorType::L8 => "DeviceGray",
        image::ExtendedColorType::Rgb8 => "DeviceRGB",
        // CMYK and others: decoded and embedded losslessly from the decoded pixels.
        _ => return Ok(flate_image(image::load_from_memory(source).map_err(err)?)),
    };
    Ok(image_stream(
        w,
        h,
        color,
        8,
        source.to_vec(),
        "DCTDecode",
        false,
    ))
}

fn tiff_images(source: &[u8]) -> Result<Vec<PageImage>, PdfError> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::tags::Tag;
    use tiff::ColorType;
    let err = |e: tiff::TiffError| PdfError::Image(e.to_string());
    let mut dec = Decoder::new(std::io::Cursor::new(source)).map_err(err)?;
    let mut out = Vec::new();
    loop {
        let (w, h) = dec.dimensions().map_err(err)?;
        let color = dec.colortype().map_err(err)?;
        let white_is_zero = dec
            .find_tag_unsigned::<u16>(Tag::PhotometricInterpretation)
            .ok()
            .flatten()
            == Some(0);
        let data = dec.read_image().map_err(err)?;
        let page = match (color, data) {
            (ColorType::Gray(bits @ (1 | 8)), DecodingResult::U8(v)) => image_stream(
                w,
                h,
                "DeviceGray",
                i64::from(bits),
                deflate(&v),
                "FlateDecode",
                white_is_zero,
            ),
            (ColorType::RGB(8), DecodingResult::U8(v)) => {
                image_stream(w, h, "DeviceRGB", 8, deflate(&v), "FlateDecode", false)
            }
            (c, DecodingResult::U8(v)) => {
                let img = match c {
                    ColorType::RGBA(8) => {
                        image::RgbaImage::from_raw(w, h, v).map(image::DynamicImage::from)
                    }
                    ColorType::GrayA(8) => {
                        image::GrayAlphaImage::from_raw(w, h, v).map(image::DynamicImage::from)
                    }
                    _ => None,
                }
                .ok_or_else(|| PdfError::Image(format!("TIFF pixel layout {c:?}")))?;
                flate_image(img)
            }
            (ColorType::Gray(16), DecodingResult::U16(v)) => {
                let img = image::ImageBuffer::<image::Luma<u16>, _>::from_raw(w, h, v)
                    .map(image::DynamicImage::from)
                    .ok_or_else(|| PdfError::Image("TIFF 16-bit grey".into()))?;
                flate_image(img)
            }
            (c, _) => return Err(PdfError::Image(format!("TIFF pixel layout {c:?}"))),
        };
        out.push(page);
        if !dec.more_images() {
            break;
        }
        dec.next_image().map_err(err)?;
    }
    Ok(out)
}

fn images_pdf(
    doc: &Document,
    source: &[u8],
    kind: SourceKind,
) -> Result<lopdf::Document, PdfError> {
    let images = match kind {
        SourceKind::Jpeg => vec![jpeg_image(source)?],
        SourceKind::Png => vec![flate_image(
            image::load_from_memory_with_format(source, image::ImageFormat::Png)
                .map_err(|e| PdfError::Image(e.to_string()))?,
        )],
        SourceKind::Tiff => tiff_images(source)?,
        SourceKind::Pdf => return Err(PdfError::Unsupported),
    };
    if images.len() != doc.pages.len() {
        return Err(PdfError::PageCount {
            source_pages: images.len(),
            doc_pages: doc.pages.len(),
        });
    }
    let mut pdf = lopdf::Document::with_version("1.7");
    let pages_id = pdf.new_object_id();
    let font = add_font(&mut pdf);
    let mut kids = Vec::with_capacity(images.len());
    for (page, img) in doc.pages.iter().zip(images) {
        let dpi = f64::from(if page.dpi > 0 { page.dpi } else { 300 });
        let (w, h) = (
            f64::from(img.width) * 72.0 / dpi,
            f64::from(img.height) * 72.0 / dpi,
        );
        let im = pdf.add_object(img.stream);
        let mut content = format!("q\n{} 0 0 {} 0 0 cm\n/Im0 Do\nQ\n", num(w), num(h)).into_bytes();
        if page.origin == Origin::Ocr && page.width > 0 && page.height > 0 {
            content.extend(text_layer(page, &Frame::plain(page, w, h)));
        }
        let contents = pdf.add_object(flate_stream(Dictionary::new(), &content));
        let id = pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(w as f32), Object::Real(h as f32)],
            "Contents" => contents,
            "Resources" => dictionary! {
                "XObject" => dictionary! { "Im0" => im },
                "Font" => dictionary! { FONT_NAME => font },
            },
        });
        kids.push(Object::Reference(id));
    }
    let count = kids.len() as i64;
    pdf.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = pdf.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    pdf.trailer.set("Root", catalog);
    finish_pdfa(&mut pdf, doc, true)?;
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_magic_bytes() {
        assert_eq!(source_kind(b"%PDF-1.4\n"), Some(SourceKind::Pdf));
        assert_eq!(
            source_kind(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(SourceKind::Jpeg)
        );
        assert_eq!(source_kind(b"II*\0...."), Some(SourceKind::Tiff));
        assert_eq!(source_kind(b"Chi so"), None);
    }

    #[test]
    fn words_are_invisible_utf16_at_their_boxes() {
        let d = crate::testdoc::doc();
        // 1000x1400 px at 100 dpi = 720x1008 pt.
        let layer = String::from_utf8(text_layer(
            &d.pages[0],
            &Frame::plain(&d.pages[0], 720.0, 1008.0),
        ))
        .unwrap();
        assert!(layer.contains("3 Tr"), "{layer}");
        // "Chỉ " = 0043 0068 1EC9 0020, at x = 100 px = 72 pt, baseline = 1008 - 130*0.72.
        assert!(layer.contains("1 0 0 1 72 914.4 Tm"), "{layer}");
        assert!(layer.contains("<004300681EC90020> Tj"), "{layer}");
        assert!(layer.contains("/FVanbanOcr 21.6 Tf"), "{layer}");
    }

    #[test]
    fn rotated_pages_map_the_displayed_frame() {
        let d = crate::testdoc::doc();
        let f = Frame::of_box(&d.pages[0], [0.0, 0.0, 1008.0, 720.0], 90);
        assert_eq!(
            (f.height, f.cm),
            (1008.0, [0.0, 1.0, -1.0, 0.0, 1008.0, 0.0])
        );
    }

    #[test]
    fn xmp_names_title_number_and_date() {
        let x = String::from_utf8(xmp(&crate::testdoc::doc(), true)).unwrap();
        assert!(x.contains(
            "<rdf:li xml:lang=\"x-default\">Kế hoạch số 67/KH-NV: Cải cách hành chính</rdf:li>"
        ));
        assert!(x.contains("<dc:identifier>67/KH-NV</dc:identifier>"));
        assert!(x.contains("<rdf:li>2024-03-05</rdf:li>"));
        assert!(x.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(xmp_now().len() == 20 && xmp_now().starts_with("20"));
    }

    #[test]
    fn a_jpeg_page_keeps_its_bytes() {
        let mut jpeg = Vec::new();
        let img = image::GrayImage::from_fn(1000, 1400, |x, _| image::Luma([(x % 256) as u8]));
        img.write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
        let pdf = searchable_pdf(&crate::testdoc::doc(), &jpeg).unwrap();
        let back = lopdf::Document::load_mem(&pdf).unwrap();
        let images: Vec<_> = back
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
            .collect();
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].content, jpeg);
    }

    #[test]
    fn a_pdf_scan_gets_its_text_where_its_image_is_drawn_and_loses_an_old_invisible_layer() {
        let mut jpeg = Vec::new();
        let img = image::GrayImage::from_fn(1000, 1400, |x, _| image::Luma([(x % 256) as u8]));
        img.write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
        let mut src = lopdf::Document::with_version("1.5");
        let pages = src.new_object_id();
        let im = src.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1000, "Height" => 1400,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
            jpeg.clone(),
        ));
        let content = src.add_object(Stream::new(
            Dictionary::new(),
            b"q 360 0 0 504 100 200 cm /Im0 Do Q\nBT 3 Tr /F1 12 Tf (OLDLAYER) Tj ET\n".to_vec(),
        ));
        let page = src.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => im } },
        });
        src.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let cat = src.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        src.trailer.set("Root", cat);
        let mut bytes = Vec::new();
        src.save_to(&mut bytes).unwrap();

        let out = searchable_pdf(&crate::testdoc::doc(), &bytes).unwrap();
        let back = lopdf::Document::load_mem(&out).unwrap();
        let pid = *back.get_pages().get(&1).unwrap();
        let mut text = Vec::new();
        for id in back.get_page_contents(pid) {
            let s = back.get_object(id).unwrap().as_stream().unwrap();
            text.extend(
                s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone()),
            );
            text.push(b'\n');
        }
        let text = String::from_utf8_lossy(&text);
        assert!(!text.contains("OLDLAYER"), "{text}");
        assert!(text.contains("/Im0 Do"), "{text}");
        // The image is 360x504 pt at (100, 200): 0.36 pt a pixel from there.
        assert!(text.contains("1 0 0 1 100 200 cm"), "{text}");
        assert!(text.contains("1 0 0 1 36 457.2 Tm"), "{text}");
        let images: Vec<_> = back
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
            .collect();
        assert_eq!(images[0].content, jpeg);
    }
}

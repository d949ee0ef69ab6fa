//! Image inputs: multi-page TIFF (read page by page with the `tiff` decoder), PNG and JPEG (one
//! page each), converted to grey, with the resolution taken from the file's own metadata.
//!
//! When a file does not say its resolution, 300 dpi is assumed and a log line says so: every
//! scanner writes it, so its absence usually means a screenshot or a converted file.
//!
//! Images are what their bytes say: the caller picks the decoder from the file's first bytes, and a
//! file whose name says otherwise (a `.png` holding a JPEG) is read as what it is, with a warning.
//! A page that decodes only in part is an error, never a page with a grey band: a JPEG whose data
//! stops before its end-of-image marker (a scan cut short in a copy) is refused with that reason,
//! where the decoder would fill the missing rows and say nothing. With
//! [`crate::PageOptions::partial`] it is read as far as it goes, and the rows the decoder filled
//! are named ([`missing_rows`]).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use image::{GrayImage, ImageFormat};
use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::{ResolutionUnit, Tag};
use tiff::ColorType;
use tracing::info;

use crate::pdf::{MAX_BITMAP_BYTES, MAX_SIDE};
use crate::{PageContent, PagesError};

/// Resolution assumed when the file does not give one.
pub const ASSUMED_DPI: u32 = 300;
/// Resolutions outside this range are taken as wrong metadata.
const PLAUSIBLE_DPI: std::ops::RangeInclusive<f64> = 50.0..=2400.0;

fn corrupt(path: &Path, detail: impl std::fmt::Display) -> PagesError {
    PagesError::Corrupt {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

fn io_err(path: &Path, source: std::io::Error) -> PagesError {
    PagesError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Refuses images too large to hold in memory as `channels` bytes a pixel.
fn check_size(
    path: &Path,
    page: u32,
    width: u32,
    height: u32,
    channels: u64,
) -> Result<(), PagesError> {
    let (w, h) = (u64::from(width), u64::from(height));
    let detail = if w == 0 || h == 0 {
        "the image has no pixels"
    } else if w > u64::from(MAX_SIDE) || h > u64::from(MAX_SIDE) {
        "a side is too long"
    } else if w * h * channels > MAX_BITMAP_BYTES {
        "the decoded image is too large"
    } else {
        return Ok(());
    };
    Err(PagesError::BadPageSize {
        path: path.to_path_buf(),
        page,
        width: w,
        height: h,
        detail: detail.into(),
        max_side: MAX_SIDE,
        max_mb: (MAX_BITMAP_BYTES >> 20) as u32,
    })
}

/// Picks the file's resolution, or [`ASSUMED_DPI`] with a log line.
fn dpi_or_assumed(path: &Path, found: Option<f64>) -> u32 {
    match found {
        Some(d) if PLAUSIBLE_DPI.contains(&d) => d.round() as u32,
        other => {
            let why = match other {
                Some(d) => format!("its metadata says an implausible {d:.0} dpi"),
                None => "it does not say its resolution".to_string(),
            };
            info!("{}: {why}; assuming {ASSUMED_DPI} dpi", path.display());
            ASSUMED_DPI
        }
    }
}

/// Resolution from a PNG `pHYs` chunk (pixels per metre).
fn png_dpi(bytes: &[u8]) -> Option<f64> {
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().ok()?) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = bytes.get(pos + 8..pos + 8 + len)?;
        match kind {
            b"pHYs" if len >= 9 && data[8] == 1 => {
                let ppm = u32::from_be_bytes(data[0..4].try_into().ok()?);
                return Some(f64::from(ppm) * 0.0254);
            }
            b"IDAT" | b"IEND" => return None,
            _ => {}
        }
        pos += 12 + len;
    }
    None
}

/// Resolution from a JPEG JFIF `APP0` segment.
fn jpeg_dpi(bytes: &[u8]) -> Option<f64> {
    let mut pos = 2;
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        let seg = bytes.get(pos + 4..pos + 2 + len)?;
        if marker == 0xE0 && seg.len() >= 12 && seg.starts_with(b"JFIF\0") {
            let density = f64::from(u16::from_be_bytes([seg[8], seg[9]]));
            return match seg[7] {
                1 => Some(density),
                2 => Some(density * 2.54),
                _ => None,
            };
        }
        if marker == 0xDA {
            return None;
        }
        pos += 2 + len;
    }
    None
}

/// Warns when the file's name says another format than its bytes (it is read as its bytes say).
pub(crate) fn warn_if_misnamed(path: &Path, actual: &str) {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let named = match ext.as_str() {
        "png" => "PNG",
        "jpg" | "jpeg" => "JPEG",
        "tif" | "tiff" => "TIFF",
        "pdf" => "PDF",
        _ => return,
    };
    if named != actual {
        tracing::warn!(
            "{}: named as a {named} file but its content is a {actual} image; reading it as {actual}",
            path.display()
        );
    }
}

/// True when JPEG data is whole: an end-of-image marker (`FF D9`) follows the last start-of-scan
/// marker (`FF DA`). Inside entropy-coded data a `FF` byte is always followed by `00` or a restart
/// marker, so both markers are found only where they stand; an EXIF thumbnail's own markers come
/// before the main image's scans.
pub(crate) fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(sos) = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    bytes[sos..].windows(2).any(|w| w == [0xFF, 0xD9])
}

/// The reason given for a JPEG cut short.
pub(crate) const JPEG_TRUNCATED: &str = "the JPEG data is cut short (it stops before its \
end-of-image marker): part of the page is missing; get a whole copy of the scan";

/// Reads a PNG or JPEG file as one grey page.
#[cfg(test)]
pub(crate) fn single_page(path: &Path, format: ImageFormat) -> Result<PageContent, PagesError> {
    single_page_partial(path, format, false, &mut None)
}

/// What is missing of a page whose JPEG data is cut short, decoded as `image`: the rows at its
/// bottom that the decoder filled with grey (128) for want of data.
pub(crate) fn missing_rows(image: &image::DynamicImage) -> String {
    let luma = image.to_luma8();
    let (w, h) = luma.dimensions();
    let grey_row = |y: u32| (0..w).all(|x| luma.get_pixel(x, y)[0] == 128);
    let first = (0..h).rev().take_while(|&y| grey_row(y)).last();
    match first {
        Some(y0) if h > 0 => format!(
            "rows {}–{h} of {h} ({:.0} % of the page): {}",
            y0 + 1,
            f64::from(h - y0) * 100.0 / f64::from(h),
            JPEG_TRUNCATED_SHORT
        ),
        _ => format!("an unknown part of the page: {JPEG_TRUNCATED_SHORT}"),
    }
}

/// The short reason of a page read in part.
pub(crate) const JPEG_TRUNCATED_SHORT: &str = "the JPEG data is cut short";

/// Reads a PNG or JPEG file as one grey page; with `partial`, a JPEG cut short is read as far as
/// it goes and `missing` says what is missing.
pub(crate) fn single_page_partial(
    path: &Path,
    format: ImageFormat,
    partial: bool,
    missing: &mut Option<String>,
) -> Result<PageContent, PagesError> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    warn_if_misnamed(
        path,
        if format == ImageFormat::Png {
            "PNG"
        } else {
            "JPEG"
        },
    );
    let cut = format == ImageFormat::Jpeg && !jpeg_is_complete(&bytes);
    if cut && !partial {
        return Err(PagesError::Page {
            path: path.to_path_buf(),
            page: 1,
            detail: JPEG_TRUNCATED.into(),
        });
    }
    let found = match format {
        ImageFormat::Png => png_dpi(&bytes),
        _ => jpeg_dpi(&bytes),
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_BITMAP_BYTES);
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(|e| image_error(path, e))?;
    check_size(path, 1, w, h, 4)?;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format);
    reader.no_limits();
    let decoded = reader.decode().map_err(|e| image_error(path, e))?;
    if cut {
        *missing = Some(missing_rows(&decoded));
    }
    let (image, red) = crate::color::ink_layers(decoded);
    Ok(PageContent::Image {
        image,
        dpi: dpi_or_assumed(path, found),
        red,
    })
}

fn image_error(path: &Path, e: image::ImageError) -> PagesError {
    match e {
        image::ImageError::Unsupported(u) => PagesError::Unsupported {
            path: path.to_path_buf(),
            page: 1,
            detail: u.to_string(),
        },
        image::ImageError::IoError(source) => io_err(path, source),
        other => corrupt(path, other),
    }
}

fn tiff_error(path: &Path, page: u32, e: tiff::TiffError) -> PagesError {
    match e {
        tiff::TiffError::IoError(source) if source.kind() != std::io::ErrorKind::UnexpectedEof => {
            io_err(path, source)
        }
        tiff::TiffError::UnsupportedError(u) => PagesError::Unsupported {
            path: path.to_path_buf(),
            page,
            detail: u.to_string(),
        },
        tiff::TiffError::LimitsExceeded => PagesError::BadPageSize {
            path: path.to_path_buf(),
            page,
            width: 0,
            height: 0,
            detail: "the TIFF decoder's memory limit was exceeded".into(),
            max_side: MAX_SIDE,
            max_mb: (MAX_BITMAP_BYTES >> 20) as u32,
        },
        other => PagesError::Page {
            path: path.to_path_buf(),
            page,
            detail: format!("damaged or truncated TIFF: {other}"),
        },
    }
}

fn open_tiff(path: &Path) -> Result<Decoder<BufReader<File>>, PagesError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    Decoder::new(BufReader::new(file)).map_err(|e| match tiff_error(path, 1, e) {
        PagesError::Page { detail, .. } => corrupt(path, detail),
        other => other,
    })
}

/// Counts the pages of a TIFF file without decoding them.
pub(crate) fn tiff_count(path: &Path) -> Result<u32, PagesError> {
    warn_if_misnamed(path, "TIFF");
    let mut dec = open_tiff(path)?;
    let mut n = 1u32;
    while dec.more_images() {
        dec.next_image().map_err(|e| tiff_error(path, n + 1, e))?;
        n += 1;
    }
    Ok(n)
}

/// Decodes page `index` (from 0) of a TIFF file.
pub(crate) fn tiff_page(path: &Path, index: u32) -> Result<PageContent, PagesError> {
    let page = index + 1;
    let err = |e| tiff_error(path, page, e);
    let mut dec = open_tiff(path)?;
    dec.seek_to_image(index as usize).map_err(err)?;
    let (w, h) = dec.dimensions().map_err(err)?;
    let color = dec.colortype().map_err(err)?;
    let channels = match color {
        ColorType::Gray(_) => 1,
        ColorType::GrayA(_) => 2,
        ColorType::RGB(_) => 3,
        _ => 4,
    };
    check_size(path, page, w, h, channels * 2)?;
    let found = tiff_dpi(&mut dec);
    let data = dec.read_image().map_err(err)?;
    let image = to_gray(w, h, color, data).ok_or_else(|| PagesError::Unsupported {
        path: path.to_path_buf(),
        page,
        detail: format!("TIFF pixel layout {color:?} (use grey, bilevel, RGB or RGBA)"),
    })?;
    Ok(PageContent::Image {
        image,
        dpi: dpi_or_assumed(path, found),
        red: None,
    })
}

fn tiff_dpi<R: Read + std::io::Seek>(dec: &mut Decoder<R>) -> Option<f64> {
    let x = dec.find_tag(Tag::XResolution).ok()??;
    let v = x.into_u32_vec().ok()?;
    let (num, den) = (*v.first()?, *v.get(1)?);
    if den == 0 {
        return None;
    }
    let per_unit = f64::from(num) / f64::from(den);
    let unit = dec
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()
        .flatten()
        .and_then(ResolutionUnit::from_u16)
        .unwrap_or(ResolutionUnit::Inch);
    match unit {
        ResolutionUnit::Inch => Some(per_unit),
        ResolutionUnit::Centimeter => Some(per_unit * 2.54),
        _ => None,
    }
}

/// Converts decoded TIFF samples to 8-bit grey (0 = black); `None` for layouts not handled.
fn to_gray(w: u32, h: u32, color: ColorType, data: DecodingResult) -> Option<GrayImage> {
    let (wu, hu) = (w as usize, h as usize);
    let luma = |r: u16, g: u16, b: u16| {
        ((2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b)) / 10000) as u8
    };
    let pixels: Vec<u8> = match (color, data) {
        (ColorType::Gray(8), DecodingResult::U8(v)) => v,
        (ColorType::Gray(16), DecodingResult::U16(v)) => {
            v.iter().map(|&p| (p >> 8) as u8).collect()
        }
        (ColorType::Gray(bits @ (1 | 2 | 4)), DecodingResult::U8(v)) => {
            let bits = usize::from(bits);
            let row_bytes = (wu * bits).div_ceil(8);
            let max = (1u16 << bits) - 1;
            let mut out = Vec::with_capacity(wu * hu);
            for row in v.chunks(row_bytes).take(hu) {
                for x in 0..wu {
                    let bit = x * bits;
                    let byte = *row.get(bit / 8)?;
                    let shift = 8 - bits - bit % 8;
                    let s = u16::from(byte >> shift) & max;
                    out.push((s * 255 / max) as u8);
                }
            }
            out
        }
        (ColorType::GrayA(8), DecodingResult::U8(v)) => v.chunks_exact(2).map(|p| p[0]).collect(),
        (ColorType::RGB(8), DecodingResult::U8(v)) => v
            .chunks_exact(3)
            .map(|p| luma(p[0].into(), p[1].into(), p[2].into()))
            .collect(),
        (ColorType::RGBA(8), DecodingResult::U8(v)) => v
            .chunks_exact(4)
            .map(|p| luma(p[0].into(), p[1].into(), p[2].into()))
            .collect(),
        (ColorType::RGB(16), DecodingResult::U16(v)) => v
            .chunks_exact(3)
            .map(|p| luma(p[0] >> 8, p[1] >> 8, p[2] >> 8))
            .collect(),
        _ => return None,
    };
    GrayImage::from_raw(w, h, pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilevel_rows_unpack_to_black_and_white() {
        // 10 px wide: 2 bytes a row; 1 = white (BlackIsZero after the decoder's inversion).
        let data = DecodingResult::U8(vec![0b1010_0000, 0b1100_0000, 0xFF, 0xFF]);
        let g = to_gray(10, 2, ColorType::Gray(1), data).unwrap();
        let row0: Vec<u8> = (0..10).map(|x| g.get_pixel(x, 0)[0]).collect();
        assert_eq!(row0, [255, 0, 255, 0, 0, 0, 0, 0, 255, 255]);
        assert!((0..10).all(|x| g.get_pixel(x, 1)[0] == 255));
    }

    #[test]
    fn short_sample_buffers_are_refused_not_indexed() {
        let data = DecodingResult::U8(vec![0; 5]);
        assert!(to_gray(10, 10, ColorType::Gray(8), data).is_none());
        let data = DecodingResult::U8(vec![0; 1]);
        assert!(to_gray(10, 2, ColorType::Gray(1), data).is_none());
    }

    fn encoded(format: ImageFormat) -> Vec<u8> {
        // A page-like image: white with dark rows, so the entropy-coded data is not trivial.
        let img = GrayImage::from_fn(400, 300, |x, y| {
            image::Luma([if (y / 7 + x / 13) % 5 == 0 { 20 } else { 240 }])
        });
        let mut buf = std::io::Cursor::new(Vec::new());
        img.write_to(&mut buf, format).unwrap();
        buf.into_inner()
    }

    #[test]
    fn a_cut_jpeg_is_an_error_and_a_whole_one_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let jpeg = encoded(ImageFormat::Jpeg);
        assert!(jpeg_is_complete(&jpeg));
        let whole = dir.path().join("whole.jpg");
        std::fs::write(&whole, &jpeg).unwrap();
        assert!(single_page(&whole, ImageFormat::Jpeg).is_ok());
        let cut = dir.path().join("cut.jpg");
        std::fs::write(&cut, &jpeg[..jpeg.len() * 6 / 10]).unwrap();
        let e = single_page(&cut, ImageFormat::Jpeg)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cut short"), "{e}");
    }

    #[test]
    fn a_cut_png_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let png = encoded(ImageFormat::Png);
        let cut = dir.path().join("cut.png");
        std::fs::write(&cut, &png[..png.len() * 6 / 10]).unwrap();
        assert!(single_page(&cut, ImageFormat::Png).is_err());
    }

    #[test]
    fn jfif_and_phys_densities() {
        // JFIF APP0 with 200 dots per inch.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        j.extend_from_slice(b"JFIF\0\x01\x01\x01\x00\xC8\x00\xC8\x00\x00");
        assert_eq!(jpeg_dpi(&j), Some(200.0));
        // PNG pHYs of 11811 px/m = 300 dpi.
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        p.extend_from_slice(&9u32.to_be_bytes());
        p.extend_from_slice(b"pHYs");
        p.extend_from_slice(&11811u32.to_be_bytes());
        p.extend_from_slice(&11811u32.to_be_bytes());
        p.push(1);
        p.extend_from_slice(&[0; 4]);
        assert_eq!(png_dpi(&p).map(f64::round), Some(300.0));
        assert_eq!(png_dpi(b"\x89PNG\r\n\x1a\n\0\0"), None);
    }
}

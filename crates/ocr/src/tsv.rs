//! Reading Tesseract's TSV output into lines of words.
//!
//! Each TSV row is `level page block par line word left top width height conf text`; level 4 rows
//! are lines, level 5 rows words. A line's block number counts the distinct (block, paragraph)
//! pairs in order of appearance, over lines that hold at least one word.

use unicode_normalization::UnicodeNormalization;
use vanban_doc::{BBox, Line, Word};

use crate::OcrError;

/// Tesseract's (block, paragraph) numbers.
type BlockPar = (u32, u32);
/// Tesseract's (block, paragraph, line) numbers.
type LineKey = (u32, u32, u32);

struct Row<'a> {
    level: u8,
    key: (u32, u32, u32),
    bbox: BBox,
    conf: f32,
    text: &'a str,
}

fn parse_row(row: &str, n: usize, width: u32, height: u32) -> Result<Row<'_>, OcrError> {
    let bad = |detail: String| OcrError::Tsv { line: n, detail };
    let f: Vec<&str> = row.splitn(12, '\t').collect();
    if f.len() < 11 {
        return Err(bad(format!("{} fields, expected 12", f.len())));
    }
    let int = |i: usize| -> Result<i64, OcrError> {
        f[i].trim()
            .parse::<i64>()
            .map_err(|_| bad(format!("field {} is {:?}, not a number", i + 1, f[i])))
    };
    let small =
        |i: usize| -> Result<u32, OcrError> { Ok(int(i)?.clamp(0, i64::from(u32::MAX)) as u32) };
    let (left, top, w, h) = (int(6)?, int(7)?, int(8)?, int(9)?);
    let clamp = |v: i64, max: u32| v.clamp(0, i64::from(max)) as u32;
    let bbox = BBox {
        x0: clamp(left, width),
        y0: clamp(top, height),
        x1: clamp(left.saturating_add(w.max(0)), width),
        y1: clamp(top.saturating_add(h.max(0)), height),
    };
    let conf = f[10]
        .trim()
        .parse::<f32>()
        .map_err(|_| bad(format!("confidence {:?} is not a number", f[10])))?;
    Ok(Row {
        level: small(0)?.min(255) as u8,
        key: (small(2)?, small(3)?, small(4)?),
        bbox,
        conf: if conf.is_finite() {
            (conf / 100.0).clamp(0.0, 1.0)
        } else {
            0.0
        },
        text: f.get(11).map_or("", |t| t.trim()),
    })
}

/// Parses Tesseract TSV text for an image of `width` x `height` pixels into lines (boxes clamped
/// to the image, texts NFC, confidences 0..1, empty lines dropped).
pub fn parse_tsv(tsv: &str, width: u32, height: u32) -> Result<Vec<Line>, OcrError> {
    // (block, par) of each line, kept beside it until blocks are numbered.
    let mut lines: Vec<(BlockPar, LineKey, Line)> = Vec::new();
    for (i, row) in tsv.lines().enumerate() {
        if row.is_empty() || row.starts_with("level") {
            continue;
        }
        let r = parse_row(row, i + 1, width, height)?;
        match r.level {
            4 => lines.push((
                (r.key.0, r.key.1),
                r.key,
                Line {
                    bbox: Some(r.bbox),
                    block: 0,
                    words: Vec::new(),
                },
            )),
            5 if !r.text.is_empty() => {
                if lines.last().map_or(true, |l| l.1 != r.key) {
                    // A word without its line row: start the line from the word.
                    lines.push((
                        (r.key.0, r.key.1),
                        r.key,
                        Line {
                            bbox: Some(r.bbox),
                            block: 0,
                            words: Vec::new(),
                        },
                    ));
                }
                if let Some((_, _, line)) = lines.last_mut() {
                    let text: String = r.text.nfc().collect();
                    line.words.push(Word::new(text, Some(r.bbox), r.conf));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut last_pair = None;
    let mut block = 0u32;
    for (pair, _, mut line) in lines.into_iter().filter(|l| !l.2.words.is_empty()) {
        if last_pair.is_some_and(|p| p != pair) {
            block += 1;
        }
        last_pair = Some(pair);
        line.block = block;
        out.push(line);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t\n\
2\t1\t1\t0\t0\t0\t10\t10\t300\t40\t-1\t\n\
3\t1\t1\t1\t0\t0\t10\t10\t300\t40\t-1\t\n\
4\t1\t1\t1\t1\t0\t10\t10\t300\t20\t-1\t\n\
5\t1\t1\t1\t1\t1\t10\t10\t100\t20\t95.5\tCo\u{302}ng\n\
5\t1\t1\t1\t1\t2\t120\t10\t100\t20\t80\tvăn\n\
4\t1\t1\t1\t2\t0\t10\t30\t300\t20\t-1\t\n\
5\t1\t1\t1\t2\t1\t10\t30\t900\t20\t-1\t \n\
2\t1\t2\t0\t0\t0\t500\t10\t300\t40\t-1\t\n\
3\t1\t2\t1\t0\t0\t500\t10\t300\t40\t-1\t\n\
4\t1\t2\t1\t1\t0\t500\t10\t300\t20\t-1\t\n\
5\t1\t2\t1\t1\t1\t500\t10\t100\t20\t91\tSố:\n";

    #[test]
    fn words_lines_blocks_and_confidences() {
        let lines = parse_tsv(SAMPLE, 800, 600).unwrap();
        assert_eq!(lines.len(), 2, "the line with only a blank word is dropped");
        assert_eq!(lines[0].raw_text(), "Công văn");
        assert_eq!(lines[0].words[0].raw, "Công", "NFC");
        assert!((lines[0].words[0].conf - 0.955).abs() < 1e-6);
        assert_eq!(lines[0].block, 0);
        assert_eq!(lines[1].block, 1);
        assert_eq!(
            lines[1].words[0].bbox,
            Some(BBox {
                x0: 500,
                y0: 10,
                x1: 600,
                y1: 30
            })
        );
    }

    #[test]
    fn boxes_are_clamped_to_the_image() {
        let tsv = "5\t1\t1\t1\t1\t1\t-5\t590\t900\t40\t50\tx\n";
        let lines = parse_tsv(tsv, 800, 600).unwrap();
        assert_eq!(
            lines[0].words[0].bbox,
            Some(BBox {
                x0: 0,
                y0: 590,
                x1: 800,
                y1: 600
            })
        );
    }

    #[test]
    fn malformed_rows_are_errors_naming_the_line() {
        let err = parse_tsv("4\t1\t1\n", 10, 10).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        let err = parse_tsv("\n5\t1\t1\t1\t1\t1\ta\t0\t1\t1\t9\tx\n", 10, 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("field 7"), "{err}");
    }
}

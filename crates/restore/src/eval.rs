//! Evaluation: the project's token-accuracy metric (a faithful port of `shared/tools/score.py`)
//! and the evaluation table `vanban eval` prints.
//!
//! The metric: tokens are `{a|b}` groups (ground truth only: either reading is right) or runs of
//! non-space characters; each is NFC-normalised, lowercased, stripped of edge punctuation, and
//! written with the new tone placement at its end (`hoà` = `hòa`); empty tokens are dropped.
//! Errors are the Levenshtein distance between the two token sequences, accuracy is
//! `1 - errors / ground-truth tokens`.

use crate::text::{is_edge_punct, strip_marks};
use crate::{RestoreError, Restorer};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use unicode_normalization::UnicodeNormalization;

const OLD_NEW: [(&str, &str); 15] = [
    ("oà", "òa"),
    ("oá", "óa"),
    ("oả", "ỏa"),
    ("oã", "õa"),
    ("oạ", "ọa"),
    ("oè", "òe"),
    ("oé", "óe"),
    ("oẻ", "ỏe"),
    ("oẽ", "õe"),
    ("oẹ", "ọe"),
    ("uỳ", "ùy"),
    ("uý", "úy"),
    ("uỷ", "ủy"),
    ("uỹ", "ũy"),
    ("uỵ", "ụy"),
];

/// The metric's canonical form of one token.
pub fn canon(tok: &str) -> String {
    let t: String = tok.nfc().collect::<String>().to_lowercase();
    let mut t = t.trim_matches(is_edge_punct).to_string();
    for (old, new) in OLD_NEW {
        if let Some(stem) = t.strip_suffix(old) {
            t = format!("{stem}{new}");
        }
    }
    t
}

/// Splits a text into raw metric tokens (`{...}` groups or runs of non-space).
fn raw_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = text.as_bytes();
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if b[i] == b'{' {
            if let Some(j) = text[i..].find('}') {
                out.push(&text[i..i + j + 1]);
                i += j + 1;
                continue;
            }
        }
        let end = text[i..]
            .char_indices()
            .find(|&(_, c)| c.is_whitespace())
            .map_or(text.len(), |(k, _)| i + k);
        out.push(&text[i..end]);
        i = end;
    }
    out
}

fn gt_tokens(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for raw in raw_tokens(text) {
        if raw.starts_with('{') && raw.ends_with('}') && raw.len() >= 2 {
            out.push(raw[1..raw.len() - 1].split('|').map(canon).collect());
        } else {
            let c = canon(raw);
            if !c.is_empty() {
                out.push(vec![c]);
            }
        }
    }
    out
}

fn hyp_tokens(text: &str) -> Vec<String> {
    raw_tokens(text)
        .into_iter()
        .map(canon)
        .filter(|c| !c.is_empty())
        .collect()
}

/// Errors and token count of one comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    /// Token edits between hypothesis and ground truth.
    pub errors: usize,
    /// Ground-truth tokens.
    pub tokens: usize,
}

impl Score {
    /// Token accuracy, `1 - errors / tokens`.
    pub fn accuracy(&self) -> f64 {
        if self.tokens == 0 {
            1.0
        } else {
            1.0 - self.errors as f64 / self.tokens as f64
        }
    }

    fn add(&mut self, o: Score) {
        self.errors += o.errors;
        self.tokens += o.tokens;
    }
}

/// Scores a hypothesis text against a ground truth, exactly as `score.py` does.
pub fn score(gt_text: &str, hyp_text: &str) -> Score {
    let gt = gt_tokens(gt_text);
    let hyp = hyp_tokens(hyp_text);
    let m = hyp.len();
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for (i, g) in gt.iter().enumerate() {
        cur[0] = i + 1;
        for j in 1..=m {
            let sub = prev[j - 1] + usize::from(!g.contains(&hyp[j - 1]));
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(sub);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Score {
        errors: prev[m],
        tokens: gt.len(),
    }
}

/// The ground truth as plain text: the first reading of every `{a|b}` group.
pub fn first_reading(gt_text: &str) -> String {
    let mut out = String::with_capacity(gt_text.len());
    let mut rest = gt_text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => {
                let inner = &rest[i + 1..i + j];
                out.push_str(inner.split('|').next().unwrap_or(""));
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// One row of the evaluation table.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Name of the set.
    pub set: String,
    /// Files in it.
    pub files: usize,
    /// Score of the input as given.
    pub raw: Score,
    /// Score after restoration.
    pub restored: Score,
    /// Fraction of tokens the restorer left unchanged.
    pub unchanged: f64,
}

fn read(path: &Path) -> Result<String, RestoreError> {
    std::fs::read_to_string(path).map_err(|e| RestoreError::io(path, e))
}

/// Evaluates a restorer on (ground truth, input) pairs.
pub fn eval_pairs(r: &Restorer, set: &str, pairs: &[(String, String)]) -> Row {
    let mut row = Row {
        set: set.to_string(),
        files: pairs.len(),
        ..Row::default()
    };
    let (mut same, mut total) = (0usize, 0usize);
    for (gt, input) in pairs {
        row.raw.add(score(gt, input));
        let mut restored = String::with_capacity(input.len() + input.len() / 3);
        let lines: Vec<Vec<&str>> = input
            .split('\n')
            .map(|l| l.split_whitespace().collect())
            .collect();
        for (k, out) in r.restore_lines(&lines).iter().enumerate() {
            if k > 0 {
                restored.push('\n');
            }
            total += out.len();
            same += out.iter().filter(|t| !t.changed).count();
            let texts: Vec<&str> = out.iter().map(|t| t.text.as_str()).collect();
            restored.push_str(&texts.join(" "));
        }
        row.restored.add(score(gt, &restored));
    }
    row.unchanged = if total == 0 {
        1.0
    } else {
        same as f64 / total as f64
    };
    row
}

/// The project's `shared/` folder: the nearest `shared/seeds` beside `repo_root` or an ancestor.
pub fn shared_dir(repo_root: &Path) -> Option<PathBuf> {
    let root = repo_root.canonicalize().ok()?;
    root.ancestors()
        .skip(1)
        .map(|a| a.join("shared"))
        .find(|s| s.join("seeds").is_dir())
}

fn eval_dir(repo_root: &Path) -> Option<PathBuf> {
    [
        repo_root.join("dictionaries/fixtures/eval"),
        repo_root.join("fixtures/eval"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

/// Evaluates a folder of fixtures (`NAME.gt.txt` with `NAME.eng.txt` and `NAME.vie.txt`, as in
/// `fixtures/eval/` and `fixtures/dev/`): English-model OCR, marks stripped, truth as input,
/// Vietnamese-model OCR.
pub fn eval_fixture_dir(r: &Restorer, dir: &Path) -> Result<Vec<Row>, RestoreError> {
    eval_fixture_dir_as(r, dir, "eval")
}

/// [`eval_fixture_dir`] with the rows named `{label} eng OCR`, `{label} marks stripped`...
pub fn eval_fixture_dir_as(
    r: &Restorer,
    dir: &Path,
    label: &str,
) -> Result<Vec<Row>, RestoreError> {
    let mut rows = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| RestoreError::io(dir, e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".gt.txt")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    let mut eng = Vec::new();
    let mut vie = Vec::new();
    let mut stripped = Vec::new();
    let mut truths = Vec::new();
    for n in &names {
        let gt = read(&dir.join(format!("{n}.gt.txt")))?;
        let plain = first_reading(&gt);
        stripped.push((gt.clone(), strip_marks(&plain)));
        truths.push((gt.clone(), plain));
        for (kind, list) in [("eng", &mut eng), ("vie", &mut vie)] {
            let p = dir.join(format!("{n}.{kind}.txt"));
            if p.is_file() {
                list.push((gt.clone(), read(&p)?));
            }
        }
    }
    if !eng.is_empty() {
        rows.push(eval_pairs(r, &format!("{label} eng OCR"), &eng));
    }
    if !stripped.is_empty() {
        rows.push(eval_pairs(r, &format!("{label} marks stripped"), &stripped));
        rows.push(eval_pairs(r, &format!("{label} truth as input"), &truths));
    }
    if !vie.is_empty() {
        rows.push(eval_pairs(r, &format!("{label} vie OCR"), &vie));
    }
    Ok(rows)
}

/// Loads `dictionaries/vanban.dict` under `repo_root`, evaluates it on every set found and prints
/// the table (set, files, tokens, raw accuracy, restored accuracy, tokens unchanged).
pub fn run_eval(repo_root: &Path, out: &mut dyn Write) -> Result<Vec<Row>, RestoreError> {
    let dict = repo_root.join("dictionaries/vanban.dict");
    let t0 = Instant::now();
    let r = Restorer::load(&dict)?;
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let mut rows = Vec::new();
    // (a) the seed pairs from shared/ (beside the project, or beside one of its parents)
    let seeds = shared_dir(repo_root)
        .map(|s| s.join("seeds"))
        .unwrap_or_else(|| repo_root.join("../shared/seeds"));
    let mut seed_pairs = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&seeds) {
        let mut names: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for gt in names {
            let name = gt.to_string_lossy().to_string();
            if let Some(stem) = name.strip_suffix(".gt.txt") {
                let ocr = PathBuf::from(format!("{stem}.txt"));
                if ocr.is_file() {
                    seed_pairs.push((read(&gt)?, read(&ocr)?));
                }
            }
        }
    }
    if !seed_pairs.is_empty() {
        rows.push(eval_pairs(&r, "seed (eng OCR)", &seed_pairs));
    }
    if let Some(dir) = eval_dir(repo_root) {
        rows.extend(eval_fixture_dir(&r, &dir)?);
    }
    // (c) excerpts of whole documents of shared/corpora/legal held out of every count
    // (fixtures/heldout, made by `fixtures/eval/make.py --heldout`)
    let held = repo_root.join("fixtures/heldout");
    if held.is_dir() {
        rows.extend(eval_fixture_dir_as(&r, &held, "new docs")?);
    }
    if rows.is_empty() {
        return Err(RestoreError::Eval {
            path: repo_root.to_path_buf(),
            cause: "no evaluation material (../shared/seeds, dictionaries/fixtures/eval)".into(),
        });
    }
    let w = |out: &mut dyn Write, s: String| {
        out.write_all(s.as_bytes())
            .map_err(|e| RestoreError::io(Path::new("<output>"), e))
    };
    w(
        out,
        format!("dictionary {} loaded in {load_ms:.0} ms\n", dict.display()),
    )?;
    w(
        out,
        format!(
            "{:<24} {:>5} {:>7} {:>8} {:>9} {:>10}\n",
            "set", "files", "tokens", "raw acc", "restored", "unchanged"
        ),
    )?;
    for row in &rows {
        w(
            out,
            format!(
                "{:<24} {:>5} {:>7} {:>8.4} {:>9.4} {:>10.4}\n",
                row.set,
                row.files,
                row.raw.tokens,
                row.raw.accuracy(),
                row.restored.accuracy(),
                row.unchanged
            ),
        )?;
    }
    // speed on one core, per CPU second of the measuring thread (and per wall second)
    let blob = std::fs::read(&dict).map_err(|e| RestoreError::io(&dict, e))?;
    for mix in crate::speed::mixes(repo_root)? {
        let s = crate::speed::measure(&blob, &mix, SPEED_RUNS)?;
        w(out, format!("{}\n", s.line()))?;
    }
    // and one restorer over the bench corpus, when it has been made
    if let Ok(mix) = crate::speed::corpus(&repo_root.join(BENCH_CORPUS)) {
        let s = crate::speed::measure_corpus(&blob, &mix, SPEED_RUNS)?;
        w(out, format!("{}\n", s.line()))?;
    }
    Ok(rows)
}

/// Where `fixtures/eval/make.py --bench` is told to put the bench corpus (under the project
/// folder; not committed).
pub const BENCH_CORPUS: &str = "target/bench-eng";

/// Passes of each kind the evaluation's speed lines take the best of.
const SPEED_RUNS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canon_matches_the_python() {
        assert_eq!(canon("Hoà,"), "hòa");
        assert_eq!(canon("(SIPAS);"), "sipas");
        assert_eq!(canon("hoàn"), "hoàn");
        assert_eq!(canon("..."), "");
    }

    #[test]
    fn alternatives_and_alignment() {
        let s = score("a {bản|băn} c", "a băn c");
        assert_eq!(
            s,
            Score {
                errors: 0,
                tokens: 3
            }
        );
        let s = score("a b c d", "a x c");
        assert_eq!(s.errors, 2);
        assert_eq!(first_reading("x {a|b} y"), "x a y");
    }
}

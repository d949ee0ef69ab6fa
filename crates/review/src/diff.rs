//! Word-level diffs for the terminal (`vanban diff`): of a [`Document`]'s raw against restored
//! words, and of any two token sequences or texts.
//!
//! Without colour a change prints as `[-raw-]{+restored+}` (as `git diff --word-diff=plain` does)
//! and an uncertain one as `[-raw-]{?restored?}`; with colour the raw word is red and struck
//! through, the restored one green, or yellow and bold when uncertain. Control characters in the
//! text are shown as `�` so that OCR garbage cannot drive the terminal.

use vanban_doc::{Document, Origin, Word};

use crate::{is_changed, is_uncertain};

const RED: &str = "\x1b[31;9m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33;1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// One step of a token diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffOp<'a> {
    /// A token in both sequences.
    Same(&'a str),
    /// A token only in the first sequence.
    Del(&'a str),
    /// A token only in the second sequence.
    Ins(&'a str),
}

/// Edit distance above which [`diff_tokens`] stops searching and reports the differing middle
/// as one deletion and one insertion (bounds time, and the saved frontiers to about D² = 1 M
/// positions, on unrelated texts).
const MAX_EDITS: usize = 1024;

/// A shortest edit script from `a` to `b` (Myers' algorithm after trimming the common prefix and
/// suffix); deletions come before insertions within a change.
pub fn diff_tokens<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<DiffOp<'a>> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops: Vec<DiffOp<'a>> = a[..pre].iter().map(|t| DiffOp::Same(t)).collect();
    match myers(am, bm) {
        Some(mid) => ops.extend(mid),
        None => {
            ops.extend(am.iter().map(|t| DiffOp::Del(t)));
            ops.extend(bm.iter().map(|t| DiffOp::Ins(t)));
        }
    }
    ops.extend(a[a.len() - suf..].iter().map(|t| DiffOp::Same(t)));
    ops
}

/// Myers' O((N+M)·D) greedy diff, keeping the reachable part of each frontier (diagonals −d..=d)
/// for the backtrack; `None` when more than [`MAX_EDITS`] edits are needed.
fn myers<'a>(a: &[&'a str], b: &[&'a str]) -> Option<Vec<DiffOp<'a>>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (a.len() + b.len()).min(MAX_EDITS) as isize;
    let off = max + 1;
    let mut v = vec![0isize; 2 * max as usize + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'outer: for d in 0..=max {
        trace.push(v[(off - d) as usize..=(off + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let i = (k + off) as usize;
            let mut x = if k == -d || (k != d && v[i - 1] < v[i + 1]) {
                v[i + 1]
            } else {
                v[i - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let dmax = found?;
    // Backtrack from (n, m) through the saved frontiers; trace[d] is the frontier before step d,
    // diagonal k at index k + d.
    let mut ops = Vec::with_capacity(a.len() + b.len());
    let (mut x, mut y) = (n, m);
    for d in (1..=dmax).rev() {
        let t = &trace[d as usize];
        let at = |k: isize| t[(k + d) as usize];
        let k = x - y;
        let pk = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let px = at(pk);
        let py = px - pk;
        while x > px && y > py {
            x -= 1;
            y -= 1;
            ops.push(DiffOp::Same(a[x as usize]));
        }
        if x == px {
            ops.push(DiffOp::Ins(b[py as usize]));
        } else {
            ops.push(DiffOp::Del(a[px as usize]));
        }
        x = px;
        y = py;
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        ops.push(DiffOp::Same(a[x as usize]));
    }
    ops.reverse();
    group_changes(&mut ops);
    Some(ops)
}

/// Within each run of edits, puts the deletions before the insertions (keeping their order).
fn group_changes(ops: &mut [DiffOp<'_>]) {
    for run in ops.split_mut(|o| matches!(o, DiffOp::Same(_))) {
        run.sort_by_key(|o| matches!(o, DiffOp::Ins(_)));
    }
}

/// Appends `s` with control characters shown as U+FFFD.
fn push_clean(out: &mut String, s: &str) {
    out.extend(
        s.chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c }),
    );
}

fn push_styled(out: &mut String, color: bool, style: &str, open: &str, s: &str, close: &str) {
    if color {
        out.push_str(style);
        push_clean(out, s);
        out.push_str(RESET);
    } else {
        out.push_str(open);
        push_clean(out, s);
        out.push_str(close);
    }
}

/// Appends a `#` note line, dimmed in colour.
fn push_note(out: &mut String, color: bool, note: &str) {
    push_styled(out, color, DIM, "", note, "");
    out.push('\n');
}

/// Appends one diffed word: unchanged as is, changed as raw then restored.
fn push_word(out: &mut String, w: &Word, color: bool) {
    if !is_changed(w) {
        push_clean(out, &w.text);
        return;
    }
    if !w.raw.is_empty() {
        push_styled(out, color, RED, "[-", &w.raw, "-]");
    }
    if !w.text.is_empty() {
        if is_uncertain(w) {
            push_styled(out, color, YELLOW, "{?", &w.text, "?}");
        } else {
            push_styled(out, color, GREEN, "{+", &w.text, "+}");
        }
    }
}

/// The document's text, laid out as [`Document::render_text`] (blank line between blocks), with
/// every changed word shown as raw then restored; a `#` header line gives the source and counts,
/// and a `# page N` line opens each page of a document with several.
pub fn diff_words(doc: &Document, color: bool) -> String {
    let (changes, uncertain) = crate::count_changes(doc);
    let words = crate::words(doc).count();
    let mut out = String::new();
    let header = format!(
        "# {}: {words} {}, {changes} changed, {uncertain} uncertain",
        doc.source.path,
        if words == 1 { "word" } else { "words" }
    );
    push_note(&mut out, color, &header);
    for page in &doc.pages {
        if doc.pages.len() > 1 {
            push_note(&mut out, color, &format!("# page {}", page.number));
        }
        let mut prev_block = None;
        for line in &page.lines {
            if page.origin != Origin::TextFile && prev_block.is_some_and(|b| b != line.block) {
                out.push('\n');
            }
            prev_block = Some(line.block);
            let mut first = true;
            for w in &line.words {
                if w.raw.is_empty() && w.text.is_empty() {
                    continue;
                }
                if !first {
                    out.push(' ');
                }
                first = false;
                push_word(&mut out, w, color);
            }
            out.push('\n');
        }
    }
    out
}

/// A word diff of two token sequences, all on one line, styled as [`diff_words`] styles changes.
pub fn diff_token_line(a: &[&str], b: &[&str], color: bool) -> String {
    let mut out = String::new();
    for op in diff_tokens(a, b) {
        if !out.is_empty() {
            out.push(' ');
        }
        match op {
            DiffOp::Same(t) => push_clean(&mut out, t),
            DiffOp::Del(t) => push_styled(&mut out, color, RED, "[-", t, "-]"),
            DiffOp::Ins(t) => push_styled(&mut out, color, GREEN, "{+", t, "+}"),
        }
    }
    out
}

/// A word diff of two texts: line by line when both have the same number of lines (as the
/// restorer's output does), else of the whole token streams on one line.
pub fn diff_texts(a: &str, b: &str, color: bool) -> String {
    let mut out = String::new();
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    if la.len() == lb.len() {
        for (x, y) in la.iter().zip(&lb) {
            let ta: Vec<&str> = x.split_whitespace().collect();
            let tb: Vec<&str> = y.split_whitespace().collect();
            out.push_str(&diff_token_line(&ta, &tb, color));
            out.push('\n');
        }
    } else {
        let ta: Vec<&str> = a.split_whitespace().collect();
        let tb: Vec<&str> = b.split_whitespace().collect();
        out.push_str(&diff_token_line(&ta, &tb, color));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use vanban_doc::{Correction, Line, Page, Source};

    fn apply(ops: &[DiffOp<'_>]) -> (Vec<String>, Vec<String>) {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for op in ops {
            match *op {
                DiffOp::Same(t) => {
                    a.push(t.to_string());
                    b.push(t.to_string());
                }
                DiffOp::Del(t) => a.push(t.to_string()),
                DiffOp::Ins(t) => b.push(t.to_string()),
            }
        }
        (a, b)
    }

    #[test]
    fn token_diff_finds_the_shortest_script() {
        let a = ["Ke", "hoach", "so", "67", "cua", "So"];
        let b = ["Kế", "hoạch", "số", "67", "của", "Sở"];
        let ops = diff_tokens(&a, &b);
        assert_eq!(
            ops.iter().filter(|o| matches!(o, DiffOp::Same(_))).count(),
            1
        );
        assert_eq!(
            &ops[..4],
            &[
                DiffOp::Del("Ke"),
                DiffOp::Del("hoach"),
                DiffOp::Del("so"),
                DiffOp::Ins("Kế")
            ]
        );
        let ops = diff_tokens(&["a", "b", "c"], &["a", "x", "c", "d"]);
        assert_eq!(
            ops,
            [
                DiffOp::Same("a"),
                DiffOp::Del("b"),
                DiffOp::Ins("x"),
                DiffOp::Same("c"),
                DiffOp::Ins("d")
            ]
        );
    }

    #[test]
    fn unrelated_long_sequences_fall_back_to_one_replacement() {
        let a: Vec<String> = (0..1500).map(|i| format!("a{i}")).collect();
        let b: Vec<String> = (0..1500).map(|i| format!("b{i}")).collect();
        let mut ar: Vec<&str> = a.iter().map(String::as_str).collect();
        let mut br: Vec<&str> = b.iter().map(String::as_str).collect();
        ar.insert(0, "same");
        br.insert(0, "same");
        let ops = diff_tokens(&ar, &br);
        assert_eq!(ops.len(), 3001);
        assert_eq!(ops[0], DiffOp::Same("same"));
        assert!(ops[1..1501].iter().all(|o| matches!(o, DiffOp::Del(_))));
        let (ra, rb) = apply(&ops);
        assert_eq!((ra.len(), rb.len()), (1501, 1501));
        assert_eq!(rb[1500], "b1499");
    }

    #[test]
    fn text_diff_prints_plain_markers_without_colour() {
        let out = diff_texts(
            "Chi so cai cách\nhanh chinh\n",
            "Chỉ số cải cách\nhành chính\n",
            false,
        );
        assert_eq!(out, "[-Chi-] [-so-] [-cai-] {+Chỉ+} {+số+} {+cải+} cách\n[-hanh-] [-chinh-] {+hành+} {+chính+}\n");
        let colored = diff_texts("a b", "a c", true);
        assert_eq!(colored, "a \x1b[31;9mb\x1b[0m \x1b[32mc\x1b[0m\n");
    }

    fn word(raw: &str, text: &str, uncertain: Option<bool>) -> Word {
        let mut w = Word::new(raw, None, 0.9);
        w.text = text.into();
        w.correction = uncertain.map(|u| Correction {
            conf: 0.5,
            alternatives: vec![],
            uncertain: u,
        });
        w
    }

    fn doc() -> Document {
        let line = |block, words| Line {
            bbox: None,
            block,
            words,
        };
        let page = |number, lines| Page {
            number,
            width: 100,
            height: 100,
            dpi: 100,
            origin: Origin::Ocr,
            lines,
        };
        Document::new(
            Source {
                path: "in/a.pdf".into(),
                sha256: "ab".into(),
                pages: 2,
            },
            vec![
                page(
                    1,
                    vec![
                        line(
                            0,
                            vec![
                                word("Chi", "Chỉ", Some(false)),
                                word("so", "số", Some(true)),
                            ],
                        ),
                        line(
                            1,
                            vec![
                                word("<b>&", "<b>&", None),
                                word("\x1b[2J", "x", Some(false)),
                            ],
                        ),
                    ],
                ),
                page(
                    2,
                    vec![line(
                        0,
                        vec![
                            word("Phong", "Phòng", Some(false)),
                            word("ab", "", Some(false)),
                        ],
                    )],
                ),
            ],
        )
    }

    #[test]
    fn document_diff_marks_changes_uncertainty_blocks_and_pages() {
        let out = diff_words(&doc(), false);
        assert_eq!(
            out,
            "# in/a.pdf: 6 words, 5 changed, 1 uncertain\n# page 1\n[-Chi-]{+Chỉ+} [-so-]{?số?}\n\n<b>& [-\u{fffd}[2J-]{+x+}\n# page 2\n[-Phong-]{+Phòng+} [-ab-]\n"
        );
    }

    #[test]
    fn document_diff_in_colour_styles_each_kind() {
        let out = diff_words(&doc(), true);
        assert!(
            out.contains("\x1b[31;9mChi\x1b[0m\x1b[32mChỉ\x1b[0m"),
            "{out:?}"
        );
        assert!(
            out.contains("\x1b[31;9mso\x1b[0m\x1b[33;1msố\x1b[0m"),
            "{out:?}"
        );
        assert!(
            !out.contains("\x1b[2J"),
            "control characters must not reach the terminal"
        );
    }

    proptest! {
        #[test]
        fn token_diff_rebuilds_both_sides(a in proptest::collection::vec("[abc]", 0..30), b in proptest::collection::vec("[abc]", 0..30)) {
            let ar: Vec<&str> = a.iter().map(String::as_str).collect();
            let br: Vec<&str> = b.iter().map(String::as_str).collect();
            let ops = diff_tokens(&ar, &br);
            let (ra, rb) = apply(&ops);
            prop_assert_eq!(ra, a.clone());
            prop_assert_eq!(rb, b.clone());
            // Minimal: edits = |a| + |b| - 2·LCS.
            let mut l = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in 0..a.len() {
                for j in 0..b.len() {
                    l[i + 1][j + 1] = if a[i] == b[j] { l[i][j] + 1 } else { l[i][j + 1].max(l[i + 1][j]) };
                }
            }
            let edits = ops.iter().filter(|o| !matches!(o, DiffOp::Same(_))).count();
            prop_assert_eq!(edits, a.len() + b.len() - 2 * l[a.len()][b.len()]);
        }
    }
}

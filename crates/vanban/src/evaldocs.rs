//! `vanban eval-docs OUT_DIR TRUTH_DIR`: how right a batch's documents are against their truth —
//! page text token accuracy (the metric of `shared/tools/score.py`) and the Decree 30 fields one by
//! one, each counted under its visibility on the page (typed, handwritten, stamped, absent).
//!
//! Truth comes in two layouts: `metadata.json` with per-field visibility (the real scans of
//! `shared/real/truth`), whose `<stem>.gt.txt` is the text of page 1; or one `<stem>.expected.json`
//! per document (the rendered fixtures: every field typed, a null one absent), whose `<stem>.gt.txt`
//! is the whole text.
//!
//! How a field counts:
//! - typed: right when equal (case and spacing aside), missed when empty, wrong otherwise;
//! - absent: right when empty (or, where the truth knows a value the file does not show, equal);
//!   any other value is wrong — a field filled from the wrong place;
//! - partly handwritten: the typed parts (the number's symbol, the date's typed month or year) count
//!   as typed fields of their own (`number.symbol`, `issued_date.month`); the handwritten digits
//!   (`number.seq`, `issued_date.day`) count under handwritten, as right, wrong or empty; a whole
//!   value given that differs from the truth is wrong;
//! - stamped (urgency, the receipt stamp's date): under stamped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::{Global, EXIT_OK};

/// Arguments of `vanban eval-docs`.
#[derive(Args, Debug)]
pub struct EvalDocsArgs {
    /// The `--out` folder of a `vanban ingest` run.
    pub out_dir: PathBuf,
    /// The truth: a folder with `metadata.json` and `<stem>.gt.txt`, or `<stem>.expected.json` and
    /// `<stem>.gt.txt` per document.
    pub truth_dir: PathBuf,
    /// Print the summary as JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// How a field's value compared with the truth.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Equal to the truth (or rightly empty).
    Right,
    /// Empty where the truth has a readable value.
    Empty,
    /// A value that differs from the truth.
    Wrong,
}

/// One field of one document.
#[derive(Serialize, Clone, Debug)]
pub struct FieldScore {
    /// Document stem.
    pub doc: String,
    /// Field name (`number`, `number.symbol`, `signer_name`, ...).
    pub field: String,
    /// `typed`, `handwritten`, `stamped` or `absent`.
    pub visibility: String,
    /// The truth, as text.
    pub truth: String,
    /// What vanban gave, as text (empty when null).
    pub got: String,
    /// The verdict.
    pub verdict: Verdict,
}

/// Right, empty and wrong counts of one visibility.
#[derive(Serialize, Default, Clone, Copy, Debug)]
pub struct Tally {
    /// Right.
    pub right: usize,
    /// Empty where a value was readable.
    pub empty: usize,
    /// Wrong values.
    pub wrong: usize,
}

impl Tally {
    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Right => self.right += 1,
            Verdict::Empty => self.empty += 1,
            Verdict::Wrong => self.wrong += 1,
        }
    }
    /// All counted.
    pub fn total(&self) -> usize {
        self.right + self.empty + self.wrong
    }
}

/// Text accuracy of one document's page.
#[derive(Serialize, Clone, Debug)]
pub struct TextScore {
    /// Document stem.
    pub doc: String,
    /// Token accuracy.
    pub accuracy: f64,
    /// Ground-truth tokens.
    pub tokens: usize,
}

/// Everything `eval-docs` measured.
#[derive(Serialize, Debug, Default)]
pub struct Report {
    /// Every field of every document.
    pub fields: Vec<FieldScore>,
    /// Tallies by visibility.
    pub by_visibility: BTreeMap<String, Tally>,
    /// Page text accuracy per document.
    pub text: Vec<TextScore>,
    /// Mean page text accuracy.
    pub text_mean: f64,
    /// Handwritten readings vanban gave with a confidence of 0.9 or more that were wrong.
    pub sure_wrong_handwritten: usize,
}

/// Runs `vanban eval-docs`.
pub fn run(_g: &Global, a: EvalDocsArgs) -> Result<u8> {
    let report = evaluate(&a.out_dir, &a.truth_dir)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(EXIT_OK);
    }
    println!(
        "{:<28} {:<18} {:<12} {:<8} truth | got",
        "document", "field", "visibility", "verdict"
    );
    for f in &report.fields {
        println!(
            "{:<28} {:<18} {:<12} {:<8} {} | {}",
            f.doc,
            f.field,
            f.visibility,
            format!("{:?}", f.verdict).to_lowercase(),
            f.truth,
            f.got
        );
    }
    println!();
    for t in &report.text {
        println!(
            "text {:<28} acc={:.4} tokens={}",
            t.doc, t.accuracy, t.tokens
        );
    }
    println!();
    let mut parts = Vec::new();
    for (vis, t) in &report.by_visibility {
        parts.push(format!(
            "{vis} {}/{} right ({} empty, {} wrong)",
            t.right,
            t.total(),
            t.empty,
            t.wrong
        ));
    }
    println!(
        "summary: {}; text mean {:.4} over {}; sure-but-wrong handwriting {}",
        parts.join("; "),
        report.text_mean,
        crate::words::count(report.text.len() as u64, "document", "documents"),
        report.sure_wrong_handwritten
    );
    Ok(EXIT_OK)
}

/// NFC, lower case, single spaces, no edge punctuation: how two field values are compared.
fn norm(s: &str) -> String {
    let s: String = s.nfc().collect::<String>().to_lowercase();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.trim_matches(|c: char| matches!(c, '.' | ',' | ';' | ':' | ' '))
        .to_string()
}

fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn verdict(truth: &Value, got: &Value, absent: bool) -> Verdict {
    let (t, g) = (norm(&as_text(truth)), norm(&as_text(got)));
    if g.is_empty() {
        if t.is_empty() || absent {
            Verdict::Right
        } else {
            Verdict::Empty
        }
    } else if g == t {
        Verdict::Right
    } else {
        Verdict::Wrong
    }
}

/// One document's truth in a common shape.
struct Truth {
    fields: BTreeMap<String, Value>,
    visibility: BTreeMap<String, String>,
    number_symbol: Option<String>,
    date_typed: BTreeMap<String, u64>,
    received_date: Option<String>,
    urgency: Option<Value>,
    page1_only: bool,
}

fn load_truths(dir: &Path) -> Result<BTreeMap<String, Truth>> {
    let mut out = BTreeMap::new();
    let meta = dir.join("metadata.json");
    if meta.is_file() {
        let v: Value = serde_json::from_slice(
            &std::fs::read(&meta).with_context(|| format!("{}", meta.display()))?,
        )
        .with_context(|| format!("{}: not JSON", meta.display()))?;
        let docs = v["docs"]
            .as_object()
            .context("metadata.json: no `docs` object")?;
        for (stem, d) in docs {
            let mut fields = BTreeMap::new();
            for k in FIELDS {
                fields.insert(k.to_string(), d[k].clone());
            }
            let visibility = d["visibility"]
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), as_text(v))).collect())
                .unwrap_or_default();
            let date_typed = d["date_typed_parts"]
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_u64()?)))
                        .collect()
                })
                .unwrap_or_default();
            out.insert(
                stem.clone(),
                Truth {
                    fields,
                    visibility,
                    number_symbol: d["number_symbol"].as_str().map(str::to_string),
                    date_typed,
                    received_date: d["received_stamp"]["date"].as_str().map(str::to_string),
                    urgency: d.get("urgency").cloned(),
                    page1_only: true,
                },
            );
        }
        return Ok(out);
    }
    let mut any = false;
    for e in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let p = e?.path();
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".expected.json") else {
            continue;
        };
        any = true;
        let d: Value = serde_json::from_slice(&std::fs::read(&p)?)
            .with_context(|| format!("{}: not JSON", p.display()))?;
        let mut fields = BTreeMap::new();
        let signer = &d["signer"];
        for k in FIELDS {
            let v = match k {
                "signer_name" => signer["name"].clone(),
                "signer_position" => signer["position"].clone(),
                "signer_authority" => signer["authority"].clone(),
                "recipients" => d["recipients"]
                    .as_array()
                    .map_or(Value::Null, |a| Value::from(a.len())),
                "references" => d["references"].as_array().map_or(Value::Null, |a| {
                    Value::from(a.iter().map(|r| r["number"].clone()).collect::<Vec<_>>())
                }),
                k => d[k].clone(),
            };
            fields.insert(k.to_string(), v);
        }
        let visibility = fields
            .iter()
            .map(|(k, v)| {
                let vis = if v.is_null() { "absent" } else { "typed" };
                (k.clone(), vis.to_string())
            })
            .collect();
        out.insert(
            stem.to_string(),
            Truth {
                fields,
                visibility,
                number_symbol: None,
                date_typed: BTreeMap::new(),
                received_date: None,
                urgency: None,
                page1_only: false,
            },
        );
    }
    if !any {
        bail!(
            "{}: no metadata.json and no <stem>.expected.json",
            dir.display()
        );
    }
    Ok(out)
}

/// The fields scored, by their truth names.
const FIELDS: [&str; 11] = [
    "number",
    "document_type",
    "issued_date",
    "place",
    "issuer",
    "parent_issuer",
    "signer_name",
    "signer_position",
    "signer_authority",
    "recipients",
    "references",
];

fn got_field(m: &Value, k: &str) -> Value {
    match k {
        "signer_name" => m["signer"]["name"].clone(),
        "signer_position" => m["signer"]["position"].clone(),
        "signer_authority" => m["signer"]["authority"].clone(),
        "recipients" => match m["recipients"].as_array() {
            Some(a) if !a.is_empty() => Value::from(a.len()),
            _ => Value::Null,
        },
        "references" => match m["references"].as_array() {
            Some(a) if !a.is_empty() => Value::from(
                a.iter()
                    .filter_map(|r| r["number"].as_str().map(str::to_string))
                    .collect::<Vec<_>>(),
            ),
            _ => Value::Null,
        },
        k => m[k].clone(),
    }
}

/// References compare as sets of numbers.
fn refs_text(v: &Value) -> String {
    let mut all: Vec<String> = v
        .as_array()
        .map(|a| a.iter().map(|x| norm(&as_text(x))).collect())
        .unwrap_or_default();
    // A law cited by name and date has no number.
    all.retain(|x| !x.is_empty());
    all.sort();
    all.dedup();
    all.join(", ")
}

/// Scores every document of the truth against the outputs in `out`.
pub fn evaluate(out: &Path, truth_dir: &Path) -> Result<Report> {
    let truths = load_truths(truth_dir)?;
    let mut r = Report::default();
    let mut acc_sum = 0.0;
    for (stem, t) in &truths {
        let json_path = out.join(format!("{stem}.json"));
        let doc: Value = match std::fs::read(&json_path) {
            Ok(b) => serde_json::from_slice(&b)
                .with_context(|| format!("{}: not JSON", json_path.display()))?,
            Err(_) => Value::Null,
        };
        let m = &doc["metadata"];
        let mut push = |field: &str, vis: &str, truth: String, got: String, v: Verdict| {
            r.fields.push(FieldScore {
                doc: stem.clone(),
                field: field.to_string(),
                visibility: vis.to_string(),
                truth,
                got,
                verdict: v,
            });
        };
        for k in FIELDS {
            let truth = t.fields.get(k).cloned().unwrap_or(Value::Null);
            let got = got_field(m, k);
            let vis = t.visibility.get(k).map_or("typed", String::as_str);
            let (tt, gt) = if k == "references" {
                (refs_text(&truth), refs_text(&got))
            } else {
                (as_text(&truth), as_text(&got))
            };
            match vis {
                "partly-handwritten" if k == "number" => {
                    let sym = t.number_symbol.clone().unwrap_or_default();
                    let sym = sym.trim_start_matches('/');
                    let got_sym = as_text(&m["number_parts"]["symbol"]);
                    push(
                        "number.symbol",
                        "typed",
                        sym.to_string(),
                        got_sym.clone(),
                        verdict(&Value::from(sym), &Value::from(got_sym), false),
                    );
                    let seq = tt.split('/').next().unwrap_or("").to_string();
                    let got_seq = as_text(&m["number_parts"]["seq"]);
                    let mut v = verdict(
                        &Value::from(seq.clone()),
                        &Value::from(got_seq.clone()),
                        false,
                    );
                    if !gt.is_empty() && norm(&gt) != norm(&tt) {
                        v = Verdict::Wrong;
                    }
                    push("number.seq", "handwritten", seq, got_seq, v);
                }
                "partly-handwritten" if k == "issued_date" => {
                    let parts: Vec<u64> = tt.split('-').filter_map(|x| x.parse().ok()).collect();
                    let names = ["year", "month", "day"];
                    for (i, name) in names.iter().enumerate() {
                        let want = parts.get(i).copied();
                        let got_part = m["date_parts"][*name].as_u64();
                        let typed = t.date_typed.contains_key(*name);
                        let vis = if typed { "typed" } else { "handwritten" };
                        let v = match (want, got_part) {
                            (_, None) => Verdict::Empty,
                            (Some(a), Some(b)) if a == b => Verdict::Right,
                            _ => Verdict::Wrong,
                        };
                        push(
                            &format!("issued_date.{name}"),
                            vis,
                            want.map_or(String::new(), |x| x.to_string()),
                            got_part.map_or(String::new(), |x| x.to_string()),
                            v,
                        );
                    }
                    if !gt.is_empty() && gt != tt {
                        push("issued_date", "handwritten", tt, gt, Verdict::Wrong);
                    }
                }
                _ => {
                    let absent = vis == "absent";
                    let v = if k == "references" {
                        match (tt.is_empty(), gt.is_empty()) {
                            (_, true) if absent || tt.is_empty() => Verdict::Right,
                            (_, true) => Verdict::Empty,
                            _ if tt == gt => Verdict::Right,
                            _ => Verdict::Wrong,
                        }
                    } else {
                        verdict(&truth, &got, absent)
                    };
                    let vis = if vis == "partly-handwritten" {
                        "handwritten"
                    } else {
                        vis
                    };
                    push(k, vis, tt, gt, v);
                }
            }
        }
        if let Some(u) = &t.urgency {
            let got = m["urgency"].clone();
            let absent = u.is_null();
            let vis = if absent { "absent" } else { "stamped" };
            push(
                "urgency",
                vis,
                as_text(u),
                as_text(&got),
                verdict(u, &got, absent),
            );
        }
        if let Some(d) = &t.received_date {
            let got = m["received"]["date"].clone();
            let v = verdict(&Value::from(d.clone()), &got, false);
            push("received.date", "stamped", d.clone(), as_text(&got), v);
        }
        for h in m["handwritten"].as_array().into_iter().flatten() {
            let conf = h["conf"].as_f64().unwrap_or(0.0);
            let text = h["text"].as_str().unwrap_or("");
            let part = h["part"].as_str().unwrap_or("");
            let truth_digits = match part {
                "number.seq" => as_text(&t.fields["number"])
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                "issued_date.day" => as_text(&t.fields["issued_date"])
                    .rsplit('-')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                "issued_date.month" => as_text(&t.fields["issued_date"])
                    .split('-')
                    .nth(1)
                    .unwrap_or("")
                    .to_string(),
                _ => String::new(),
            };
            let same = text.trim_start_matches('0') == truth_digits.trim_start_matches('0');
            if conf >= 0.9 && !text.is_empty() && !same {
                r.sure_wrong_handwritten += 1;
            }
        }
        // Text: page 1 (real truth) or the whole text (fixtures).
        let gt_path = truth_dir.join(format!("{stem}.gt.txt"));
        if let Ok(gt) = std::fs::read_to_string(&gt_path) {
            let hyp = std::fs::read_to_string(out.join(format!("{stem}.txt"))).unwrap_or_default();
            let hyp = if t.page1_only {
                hyp.split('\x0c').next().unwrap_or("").to_string()
            } else {
                hyp
            };
            let s = vanban_restore::score(&gt, &hyp);
            acc_sum += s.accuracy();
            r.text.push(TextScore {
                doc: stem.clone(),
                accuracy: s.accuracy(),
                tokens: s.tokens,
            });
        }
    }
    for f in &r.fields {
        r.by_visibility
            .entry(f.visibility.clone())
            .or_default()
            .add(f.verdict);
    }
    if !r.text.is_empty() {
        r.text_mean = acc_sum / r.text.len() as f64;
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_without_case_spacing_or_edge_punctuation() {
        assert_eq!(norm("Thủ  Tướng Chính Phủ."), norm("Thủ tướng Chính phủ"));
        assert_eq!(
            verdict(&Value::from("Hà Nội"), &Value::Null, false),
            Verdict::Empty
        );
        assert_eq!(
            verdict(&Value::Null, &Value::from("x"), true),
            Verdict::Wrong
        );
        assert_eq!(
            verdict(&Value::from("453/TB-UBND"), &Value::Null, true),
            Verdict::Right
        );
    }
}

//! Metadata after a clerk's word corrections: extracted again from the corrected words, and taken
//! over only for the fields those words touch, so that a fixed `69` in the `Số:` line or a fixed
//! signer name shows in `metadata` at once while every other field (handwritten digits read from the
//! image, digital signatures from the PDF) stays as the pipeline found it.

use serde_json::Value;
use vanban_doc::{BBox, Document, Evidence, Metadata};

/// Top-level metadata keys that re-extraction may replace, each with the evidence key it is read at.
const KEYS: [(&str, &str); 13] = [
    ("document_type", "document_type"),
    ("number", "number"),
    ("number_parts", "number"),
    ("issued_date", "issued_date"),
    ("date_parts", "issued_date"),
    ("place", "place"),
    ("issuer", "issuer"),
    ("parent_issuer", "parent_issuer"),
    ("subject", "subject"),
    ("signer", "signer"),
    ("recipients", "recipients"),
    ("references", "references"),
    ("sections", "sections"),
];

/// A decided word: page number, box, corrected text, raw text.
pub(crate) type Touched = (u32, Option<BBox>, String, String);

fn intersects(a: BBox, b: BBox) -> bool {
    a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

/// True when the word stands in the evidence: same page, and boxes that meet (or, without boxes,
/// the evidence text holding the word).
fn in_evidence(ev: &Evidence, (page, bbox, text, raw): &Touched) -> bool {
    if ev.page != *page {
        return false;
    }
    match (ev.bbox, bbox) {
        (Some(a), Some(b)) => intersects(a, *b),
        _ => {
            let t = text.trim_matches(|c: char| !c.is_alphanumeric());
            let r = raw.trim_matches(|c: char| !c.is_alphanumeric());
            (!t.is_empty() && ev.text.contains(t)) || (!r.is_empty() && ev.text.contains(r))
        }
    }
}

/// Extracts the metadata of `doc` again and takes the new value of each field whose evidence
/// (before or after) holds a decided word, or, for a field without evidence, whose new value
/// holds a corrected word's text.
pub(crate) fn reextract(doc: &mut Document, touched: &[Touched]) {
    let old = doc.metadata.clone();
    // A clerk's reading is what the page says: the extractor, which takes some parts (the number's
    // digits, the date) from the OCR reading, sees it as the reading too.
    let mut view = doc.clone();
    for w in view
        .pages
        .iter_mut()
        .flat_map(|p| &mut p.lines)
        .flat_map(|l| &mut l.words)
        .filter(|w| w.reviewed.is_some())
    {
        w.raw = w.text.clone();
    }
    let new = vanban_extract::extract_metadata(&view);
    let (Ok(Value::Object(mut o)), Ok(Value::Object(n))) =
        (serde_json::to_value(&old), serde_json::to_value(&new))
    else {
        return;
    };
    let mut evidence = old.evidence.clone();
    let mut confidence = old.confidence.clone();
    for (key, ev_key) in KEYS {
        let nv = n.get(key).cloned().unwrap_or(Value::Null);
        if o.get(key) == Some(&nv) {
            continue;
        }
        let evs = [old.evidence.get(ev_key), new.evidence.get(ev_key)];
        let has_evidence = evs.iter().any(Option::is_some);
        let hit = if has_evidence {
            touched
                .iter()
                .any(|t| evs.iter().flatten().any(|ev| in_evidence(ev, t)))
        } else {
            let s = nv.to_string();
            touched.iter().any(|(_, _, text, raw)| {
                let t = text.trim_matches(|c: char| !c.is_alphanumeric());
                !t.is_empty() && text != raw && s.contains(t)
            })
        };
        if !hit {
            continue;
        }
        o.insert(key.to_string(), nv);
        match new.evidence.get(ev_key) {
            Some(e) => evidence.insert(ev_key.to_string(), e.clone()),
            None => evidence.remove(ev_key),
        };
        match new.confidence.get(ev_key) {
            Some(c) => confidence.insert(ev_key.to_string(), *c),
            None => confidence.remove(ev_key),
        };
    }
    if let Ok(mut m) = serde_json::from_value::<Metadata>(Value::Object(o)) {
        m.evidence = evidence;
        m.confidence = confidence;
        doc.metadata = m;
    }
}

//! The compiled dictionary: reading the TSV data files, compiling them into one versioned blob,
//! and loading that blob back into the in-memory model the decoder uses.
//!
//! # Blob format
//! `VANBANDICT` (10 bytes) + format version (u32 little endian) + a bincode-encoded [`Dict`].
//! bincode because it is a plain, fast, schema-less encoding of the serde structs below (the whole
//! model decodes in tens of milliseconds); no compression because the blob is a few MB and
//! decoding speed matters more than size (vibrato compresses with zstd, but its dictionaries are
//! a hundred times larger). Language-model costs are precomputed at compile time as scaled
//! integers (`COST_SCALE` per nat) so that loading does no arithmetic beyond building hash maps.
//!
//! The language model is a syllable bigram model with interpolated absolute discounting
//! (Kneser–Ney style with a plain unigram as the lower order), stored as a CSR table: for each left
//! syllable, its right neighbours sorted by id with their costs. Pairs that occur inside a known
//! multi-syllable word (`words.tsv`, `names.tsv`) get a bonus on their transition cost.

use crate::error::RestoreError;
use crate::text::{is_syllable_shape, normalize_word, skeleton};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Magic bytes at the start of a compiled dictionary.
pub const MAGIC: &[u8; 10] = b"VANBANDICT";
/// Version of the blob layout; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 9;
/// Integer cost units per nat (natural-log unit) of probability.
pub const COST_SCALE: f32 = 100.0;

/// Weight of the continuation counts in the back-off distribution (the rest is the unigram).
const CONT_MIX: f64 = 0.5;
/// Absolute discount of the bigram model.
const DISCOUNT: f64 = 0.75;
/// Bonus (nats) on a transition that continues a known multi-syllable word.
const WORD_BONUS: f64 = 1.0;
/// Floor probability of a transition inside a known word or name (`Sở Ngoại vụ` is in the names
/// list even where the corpora never wrote it).
const WORD_FLOOR: f64 = 0.01;

/// Flag bit: the entry is a Vietnamese syllable (a restoration candidate).
pub const FLAG_SYLLABLE: u8 = 1;

/// One measured OCR confusion: `ocr` was read where `truth` was printed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ChannelRule {
    /// 0 = English model, 1 = Vietnamese model.
    pub model: u8,
    /// The characters OCR gave (lowercase, 0–3 chars).
    pub ocr: String,
    /// The characters printed (lowercase, 0–3 chars).
    pub truth: String,
    /// -ln P(truth | ocr), scaled by [`COST_SCALE`].
    pub cost: u16,
}

/// Everything the restorer knows, as stored in the blob.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct Dict {
    /// Syllable strings by id (lowercase NFC, new tone placement); the last two are the classes
    /// `<num>` (any number) and `<abbr>` (any acronym: `UBND`, `NV`).
    pub syl: Vec<String>,
    /// `FLAG_*` bits per syllable.
    pub flags: Vec<u8>,
    /// Unigram cost per syllable.
    pub uni: Vec<u16>,
    /// Back-off distribution cost per syllable (Kneser–Ney continuation: in how many distinct
    /// contexts the syllable follows another).
    pub cont: Vec<u16>,
    /// Back-off cost per left syllable (cost of the mass left to unseen right neighbours).
    pub backoff: Vec<u16>,
    /// CSR offsets into `bi_next`/`bi_cost`, one more than `syl`.
    pub bi_off: Vec<u32>,
    /// Right syllable ids, sorted within each left syllable.
    pub bi_next: Vec<u32>,
    /// Transition cost for each stored pair.
    pub bi_cost: Vec<u16>,
    /// Protected tokens (acronyms, codes, foreign words) with their kind.
    pub protected: Vec<(String, String)>,
    /// Measured OCR confusions.
    pub channel: Vec<ChannelRule>,
    /// Cost of a word the dictionary does not know.
    pub oov_cost: u16,
    /// Syllable pairs inside known names (`a << 32 | b`), sorted.
    pub name_pairs: Vec<u64>,
    /// Trigram keys (`a << 42 | b << 21 | c`), sorted.
    pub tri_key: Vec<u64>,
    /// Cost of each stored trigram (interpolated with the bigram below it).
    pub tri_cost: Vec<u16>,
    /// Back-off cost per stored bigram context (same order as `bi_next`) for unseen trigrams.
    pub tri_backoff: Vec<u16>,
    /// Per syllable, the cost of it as a person's surname, middle syllable and given name
    /// (`person_names.tsv`, smoothed: a syllable never seen in a name costs the floor), and as
    /// the given name of a name whose middle syllable is `Thị` (a woman's name).
    pub person: Vec<[u16; 4]>,
    /// Place names of the gazetteer as printed (`names.tsv` kinds `province`, `district`,
    /// `ward`: `Ea Tul`, `Cư M'gar`), sorted and deduplicated.
    pub places: Vec<String>,
}

fn cost(p: f64) -> u16 {
    let c = (-p.max(1e-300).ln() * f64::from(COST_SCALE)).round();
    c.clamp(0.0, f64::from(u16::MAX)) as u16
}

fn open_text(dir: &Path, name: &str) -> Result<Option<Box<dyn BufRead>>, RestoreError> {
    let plain = dir.join(name);
    if plain.is_file() {
        let f = fs::File::open(&plain).map_err(|e| RestoreError::io(&plain, e))?;
        return Ok(Some(Box::new(BufReader::new(f))));
    }
    let gz = dir.join(format!("{name}.gz"));
    if gz.is_file() {
        let f = fs::File::open(&gz).map_err(|e| RestoreError::io(&gz, e))?;
        return Ok(Some(Box::new(BufReader::new(
            flate2::read::MultiGzDecoder::new(f),
        ))));
    }
    Ok(None)
}

/// Reads a TSV file line by line, calling `f(fields, line_number)`; missing file → `Ok(false)`.
fn each_row(
    dir: &Path,
    name: &str,
    mut f: impl FnMut(&[&str], usize) -> Result<(), String>,
) -> Result<bool, RestoreError> {
    let Some(mut r) = open_text(dir, name)? else {
        return Ok(false);
    };
    let path = dir.join(name);
    let mut line = String::new();
    let mut n = 0;
    loop {
        line.clear();
        let read = r
            .read_line(&mut line)
            .map_err(|e| RestoreError::io(&path, e))?;
        if read == 0 {
            break;
        }
        n += 1;
        let l = line.trim_end_matches(['\n', '\r']);
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        f(&fields, n).map_err(|cause| RestoreError::Data {
            path: path.clone(),
            line: n,
            cause,
        })?;
    }
    Ok(true)
}

fn count_field(s: Option<&&str>) -> Result<u64, String> {
    s.ok_or_else(|| "missing count column".to_string())?
        .trim()
        .parse::<u64>()
        .map_err(|e| format!("bad count: {e}"))
}

/// Compiles the TSV files of `data_dir` into a dictionary blob.
pub fn compile(data_dir: &Path) -> Result<Vec<u8>, RestoreError> {
    let dict = compile_dict(data_dir)?;
    let mut out = Vec::with_capacity(8 << 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bincode::serialize_into(&mut out, &dict).map_err(|e| RestoreError::Data {
        path: data_dir.to_path_buf(),
        line: 0,
        cause: format!("cannot encode the dictionary: {e}"),
    })?;
    Ok(out)
}

/// Builds the in-memory [`Dict`] from the TSV files.
pub fn compile_dict(data_dir: &Path) -> Result<Dict, RestoreError> {
    let mut syl: Vec<String> = Vec::new();
    let mut counts: Vec<u64> = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let found = each_row(data_dir, "syllables.tsv", |f, _| {
        let s = normalize_word(f[0]).to_lowercase();
        let c = count_field(f.get(1))?;
        match ids.get(&s) {
            Some(&i) => counts[i as usize] += c,
            None => {
                ids.insert(s.clone(), syl.len() as u32);
                syl.push(s);
                counts.push(c);
            }
        }
        Ok(())
    })?;
    if !found {
        return Err(RestoreError::Data {
            path: data_dir.join("syllables.tsv"),
            line: 0,
            cause: "missing: the dictionary needs at least syllables.tsv".into(),
        });
    }
    if syl.len() + 1 >= crate::ngram::MAX_SYLLABLES {
        return Err(RestoreError::Data {
            path: data_dir.join("syllables.tsv"),
            line: 0,
            cause: format!(
                "too many syllables ({}): at most {} fit the model's 16-bit ids",
                syl.len(),
                crate::ngram::MAX_SYLLABLES - 2
            ),
        });
    }
    let num_id = syl.len() as u32;
    syl.push("<num>".into());
    counts.push(0);
    ids.insert("<num>".into(), num_id);
    let abbr_id = syl.len() as u32;
    syl.push("<abbr>".into());
    counts.push(0);
    ids.insert("<abbr>".into(), abbr_id);
    let flags: Vec<u8> = syl
        .iter()
        .map(|s| {
            if is_syllable_shape(s) {
                FLAG_SYLLABLE
            } else {
                0
            }
        })
        .collect();

    // bigrams
    let mut pairs: Vec<(u32, u32, u64)> = Vec::new();
    each_row(data_dir, "bigrams.tsv", |f, _| {
        let c = count_field(f.get(1))?;
        let mut it = f[0].split(' ');
        let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
            return Err("expected two syllables separated by a space".into());
        };
        let (a, b) = (normalize_word(a), normalize_word(b));
        if let (Some(&x), Some(&y)) = (ids.get(&a), ids.get(&b)) {
            pairs.push((x, y, c));
        }
        Ok(())
    })?;
    // <num> and <abbr> have no unigram count of their own: use their bigram mass.
    for class in [num_id, abbr_id] {
        let left: u64 = pairs.iter().filter(|p| p.0 == class).map(|p| p.2).sum();
        let right: u64 = pairs.iter().filter(|p| p.1 == class).map(|p| p.2).sum();
        counts[class as usize] = left.max(right).max(1);
    }

    let total: u64 = counts.iter().sum::<u64>().max(1);
    let v = syl.len() as f64;
    let puni: Vec<f64> = counts
        .iter()
        .map(|&c| (c as f64 + 0.5) / (total as f64 + 0.5 * v))
        .collect();
    let uni: Vec<u16> = puni.iter().map(|&p| cost(p)).collect();
    let oov_cost = cost(0.2 / (total as f64 + 0.5 * v));

    // word-internal pairs: words seen in the corpora get a bonus, names also a floor
    let mut word_pairs: HashMap<(u32, u32), bool> = HashMap::new();
    let mut add_word = |w: &str, name: bool| {
        let parts: Vec<Option<u32>> = w
            .split([' ', '-'])
            .filter(|p| !p.is_empty())
            .map(|p| ids.get(&normalize_word(p).to_lowercase()).copied())
            .collect();
        for win in parts.windows(2) {
            if let (Some(a), Some(b)) = (win[0], win[1]) {
                let e = word_pairs.entry((a, b)).or_insert(name);
                *e |= name;
            }
        }
    };
    each_row(data_dir, "words.tsv", |f, _| {
        if count_field(f.get(1)).unwrap_or(0) > 0 {
            add_word(f[0], false);
        }
        Ok(())
    })?;
    let mut places: Vec<String> = Vec::new();
    each_row(data_dir, "names.tsv", |f, _| {
        add_word(f[0], true);
        if matches!(f.get(1).copied(), Some("province" | "district" | "ward")) {
            places.push(normalize_word(f[0]).replace('’', "'"));
        }
        Ok(())
    })?;
    places.sort_unstable();
    places.dedup();
    for &(a, b) in word_pairs.keys() {
        pairs.push((a, b, 0));
    }
    pairs.sort_unstable_by_key(|p| (p.0, p.1));
    pairs.dedup_by(|later, first| {
        if later.0 == first.0 && later.1 == first.1 {
            first.2 += later.2;
            true
        } else {
            false
        }
    });

    let n = syl.len();
    let mut seen_mass = vec![0f64; n];
    for &(a, _, c) in &pairs {
        if c > 0 {
            seen_mass[a as usize] += (c as f64 - DISCOUNT).max(0.0);
        }
    }
    let alpha: Vec<f64> = (0..n)
        .map(|i| {
            let ctx = counts[i].max(1) as f64;
            (1.0 - seen_mass[i] / ctx).clamp(0.02, 1.0)
        })
        .collect();
    let backoff: Vec<u16> = alpha.iter().map(|&a| cost(a)).collect();
    // continuation probabilities, smoothed with the plain unigram
    let mut left_types = vec![0f64; n];
    for &(_, b, c) in &pairs {
        if c > 0 {
            left_types[b as usize] += 1.0;
        }
    }
    let types: f64 = left_types.iter().sum::<f64>().max(1.0);
    let pcont: Vec<f64> = (0..n)
        .map(|i| CONT_MIX * left_types[i] / types + (1.0 - CONT_MIX) * puni[i])
        .collect();
    let cont: Vec<u16> = pcont.iter().map(|&p| cost(p)).collect();
    let mut bi_off = vec![0u32; n + 1];
    let mut bi_next = Vec::with_capacity(pairs.len());
    let mut bi_cost = Vec::with_capacity(pairs.len());
    for &(a, b, c) in &pairs {
        bi_off[a as usize + 1] += 1;
        let ctx = counts[a as usize].max(1) as f64;
        let p = (c as f64 - DISCOUNT).max(0.0) / ctx + alpha[a as usize] * pcont[b as usize];
        let word = word_pairs.get(&(a, b)).copied();
        let bonus = if word.is_some() { WORD_BONUS } else { 0.0 };
        bi_next.push(b);
        let p = match word {
            Some(true) => (p * bonus.exp()).max(WORD_FLOOR),
            Some(false) => p * bonus.exp(),
            None => p,
        };
        bi_cost.push(cost(p));
    }
    for i in 0..n {
        bi_off[i + 1] += bi_off[i];
    }
    let bigram_p = |a: u32, b: u32| -> (f64, Option<usize>) {
        let lo = bi_off[a as usize] as usize;
        let hi = bi_off[a as usize + 1] as usize;
        match bi_next[lo..hi].binary_search(&b) {
            Ok(k) => (
                (-f64::from(bi_cost[lo + k]) / f64::from(COST_SCALE)).exp(),
                Some(lo + k),
            ),
            Err(_) => (alpha[a as usize] * pcont[b as usize], None),
        }
    };

    // trigrams: interpolated with the bigram model below them
    let mut tris: Vec<(u64, u64, usize)> = Vec::new(); // key, count, index of the (a, b) pair
    each_row(data_dir, "trigrams.tsv", |f, _| {
        let c = count_field(f.get(1))?;
        let mut it = f[0].split(' ');
        let (Some(a), Some(b), Some(cc), None) = (it.next(), it.next(), it.next(), it.next())
        else {
            return Err("expected three syllables separated by spaces".into());
        };
        let (a, b, cc) = (normalize_word(a), normalize_word(b), normalize_word(cc));
        if let (Some(&x), Some(&y), Some(&z)) = (ids.get(&a), ids.get(&b), ids.get(&cc)) {
            if let (_, Some(pair)) = bigram_p(x, y) {
                tris.push((
                    (u64::from(x) << 42) | (u64::from(y) << 21) | u64::from(z),
                    c,
                    pair,
                ));
            }
        }
        Ok(())
    })?;
    tris.sort_unstable_by_key(|t| t.0);
    tris.dedup_by_key(|t| t.0);
    let pair_count: HashMap<(u32, u32), u64> = pairs.iter().map(|p| ((p.0, p.1), p.2)).collect();
    let mut tri_mass = vec![0f64; bi_next.len()];
    for &(_, c, pair) in &tris {
        tri_mass[pair] += (c as f64 - DISCOUNT).max(0.0);
    }
    let mut gamma = vec![1f64; bi_next.len()];
    for a in 0..n {
        for k in bi_off[a] as usize..bi_off[a + 1] as usize {
            let ctx = pair_count
                .get(&(a as u32, bi_next[k]))
                .copied()
                .unwrap_or(0)
                .max(1) as f64;
            gamma[k] = (1.0 - tri_mass[k] / ctx).clamp(0.02, 1.0);
        }
    }
    let mut name_pairs: Vec<u64> = word_pairs
        .iter()
        .filter(|(_, &name)| name)
        .map(|(&(a, b), _)| (u64::from(a) << 32) | u64::from(b))
        .collect();
    name_pairs.sort_unstable();
    let mut tri_key = Vec::with_capacity(tris.len());
    let mut tri_cost = Vec::with_capacity(tris.len());
    for &(key, c, pair) in &tris {
        let (a, b) = ((key >> 42) as u32, ((key >> 21) & 0x1f_ffff) as u32);
        let z = (key & 0x1f_ffff) as u32;
        let ctx = pair_count.get(&(a, b)).copied().unwrap_or(0).max(1) as f64;
        let p = (c as f64 - DISCOUNT).max(0.0) / ctx + gamma[pair] * bigram_p(b, z).0;
        tri_key.push(key);
        tri_cost.push(cost(p));
    }
    let tri_backoff: Vec<u16> = gamma.iter().map(|&g| cost(g)).collect();

    let mut protected = Vec::new();
    each_row(data_dir, "protected.tsv", |f, _| {
        let kind = f.get(1).copied().unwrap_or("").to_string();
        protected.push((normalize_word(f[0]), kind));
        Ok(())
    })?;

    let channel = read_channel(data_dir)?;
    let person = read_persons(data_dir, &ids, syl.len())?;
    Ok(Dict {
        syl,
        flags,
        uni,
        cont,
        backoff,
        bi_off,
        bi_next,
        bi_cost,
        protected,
        channel,
        oov_cost,
        name_pairs,
        tri_key,
        tri_cost,
        tri_backoff,
        person,
        places,
    })
}

/// Reads `person_names.tsv` (`syllable⇥surname⇥middle⇥given[⇥given after Thị]`, counts of
/// distinct names) into smoothed costs per syllable id: -ln((count + ½) / (total + ½·syllables)).
fn read_persons(
    dir: &Path,
    ids: &HashMap<String, u32>,
    n: usize,
) -> Result<Vec<[u16; 4]>, RestoreError> {
    let mut counts = vec![[0u64; 4]; n];
    each_row(dir, "person_names.tsv", |f, _| {
        if f.len() < 4 {
            return Err("expected syllable, surname, middle and given counts".into());
        }
        if let Some(&id) = ids.get(&normalize_word(f[0]).to_lowercase()) {
            for (k, c) in counts[id as usize].iter_mut().enumerate() {
                if k < 3 || f.len() > 4 {
                    *c += count_field(f.get(k + 1))?;
                }
            }
        }
        Ok(())
    })?;
    let mut out = vec![[0u16; 4]; n];
    for k in 0..4 {
        let total: u64 = counts.iter().map(|c| c[k]).sum();
        let denom = total as f64 + 0.5 * n as f64;
        for (o, c) in out.iter_mut().zip(&counts) {
            o[k] = cost((c[k] as f64 + 0.5) / denom);
        }
    }
    Ok(out)
}

/// Reads `channel.tsv` into rules with costs -ln P(truth | ocr) per model.
fn read_channel(dir: &Path) -> Result<Vec<ChannelRule>, RestoreError> {
    let mut rows: Vec<(u8, String, String, u64)> = Vec::new();
    each_row(dir, "channel.tsv", |f, _| {
        if f.len() < 4 {
            return Err("expected model, ocr, truth, count".into());
        }
        let model = match f[0] {
            "eng" => 0,
            "vie" => 1,
            other => return Err(format!("unknown model {other:?}")),
        };
        let c = count_field(f.get(3))?;
        rows.push((
            model,
            normalize_word(f[1]).to_lowercase(),
            normalize_word(f[2]).to_lowercase(),
            c,
        ));
        Ok(())
    })?;
    // Denominator: everything the OCR side was read for. For digits and symbols the identity is
    // left out: the restorer only asks about such a character where it sits among letters (`s6`),
    // where it cannot be itself, so P(truth | ocr, not itself) is the right measure.
    let mut totals: HashMap<(u8, String), u64> = HashMap::new();
    for (m, o, t, c) in &rows {
        let glyph = !o.is_empty() && !o.chars().any(char::is_alphabetic);
        if glyph && o == t {
            continue;
        }
        *totals.entry((*m, o.clone())).or_default() += c;
    }
    Ok(rows
        .into_iter()
        .filter(|r| r.1 != r.2)
        .map(|(model, ocr, truth, c)| {
            let t = totals
                .get(&(model, ocr.clone()))
                .copied()
                .unwrap_or(1)
                .max(1);
            ChannelRule {
                model,
                cost: cost((c as f64 + 0.1) / (t as f64 + 1.0)),
                ocr,
                truth,
            }
        })
        .collect())
}

/// Reads and checks a compiled blob.
pub fn read_blob(path: &Path) -> Result<Dict, RestoreError> {
    let mut f = fs::File::open(path).map_err(|e| RestoreError::Dictionary {
        path: path.to_path_buf(),
        cause: format!("cannot open ({e}); build it with `vanban dict build`"),
    })?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| RestoreError::io(path, e))?;
    decode_blob(&bytes).map_err(|cause| RestoreError::Dictionary {
        path: path.to_path_buf(),
        cause,
    })
}

/// Checks the header of a blob and decodes it.
pub fn decode_blob(bytes: &[u8]) -> Result<Dict, String> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(
            "not a vanban dictionary (bad magic); rebuild it with `vanban dict build`".into(),
        );
    }
    let mut v = [0u8; 4];
    v.copy_from_slice(&bytes[MAGIC.len()..MAGIC.len() + 4]);
    let version = u32::from_le_bytes(v);
    if version != FORMAT_VERSION {
        return Err(format!(
            "stale dictionary: format version {version}, this vanban reads {FORMAT_VERSION}; rebuild it with `vanban dict build`"
        ));
    }
    let dict: Dict = bincode::deserialize(&bytes[MAGIC.len() + 4..])
        .map_err(|e| format!("corrupt dictionary: {e}"))?;
    let n = dict.syl.len();
    if n >= crate::ngram::MAX_SYLLABLES {
        return Err(format!(
            "too many syllables ({n}): this vanban reads at most {}",
            crate::ngram::MAX_SYLLABLES - 1
        ));
    }
    if dict.flags.len() != n
        || dict.uni.len() != n
        || dict.cont.len() != n
        || dict.backoff.len() != n
        || dict.bi_off.len() != n + 1
        || dict.bi_next.len() != dict.bi_cost.len()
        || dict.bi_off.last().copied().unwrap_or(0) as usize != dict.bi_next.len()
        || dict.bi_next.iter().any(|&b| b as usize >= n)
        || dict.tri_key.len() != dict.tri_cost.len()
        || dict.tri_backoff.len() != dict.bi_next.len()
        || dict.person.len() != n
        || dict.tri_key.iter().any(|&k| {
            [k >> 42, (k >> 21) & 0x1f_ffff, k & 0x1f_ffff]
                .iter()
                .any(|&id| id as usize >= n)
        })
    {
        return Err("corrupt dictionary: inconsistent tables".into());
    }
    Ok(dict)
}

/// The skeleton index: skeleton → ids of the syllables that share it.
pub fn skeleton_index(dict: &Dict) -> HashMap<String, Vec<u32>> {
    let mut m: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, s) in dict.syl.iter().enumerate() {
        if dict.flags[i] & FLAG_SYLLABLE != 0 {
            m.entry(skeleton(s)).or_default().push(i as u32);
        }
    }
    m
}

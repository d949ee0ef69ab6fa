//! The OCR channel: how likely a token as read is, given a syllable as printed.
//!
//! Costs come from three places: marks lost are free (the English model loses every one of them,
//! and the language model decides which marks to put back), marks read wrong cost a little, and
//! every other change costs what the measured confusion table (`channel.tsv`) says — `6` read for
//! `ố`, `&` for `ở`, `ir` for `ứ` — or a high flat price when the table has never seen it.
//!
//! Two operations use these costs. [`Channel::expand`] walks the token left to right, applying
//! the cheap rewrites at the skeleton level (no marks) and keeping only prefixes of real skeletons,
//! to *generate* candidate syllables. [`Channel::cost`] then *scores* one candidate exactly with a
//! weighted edit distance over chunks of up to three characters on each side.

use crate::lexicon::{ChannelRule, COST_SCALE};
use crate::model::FxMap;
use crate::text::{letter, skeleton, toneless};
use crate::trie::Trie;
use std::collections::HashMap;

/// Cost of replacing a character with no rule for it.
pub const SUB: i32 = 700;
/// Cost of dropping an OCR character with no rule for it.
pub const DEL: i32 = 600;
/// Cost of a printed character OCR did not show, with no rule for it.
pub const INS: i32 = 700;
/// Cost of a mark read wrong (`á` read for `ạ`).
pub const MARK_WRONG: i32 = 200;
/// Cost of a digit or symbol inside a word read for a vowel (such a character is surely wrong).
pub const GARBLE_VOWEL: i32 = 400;
/// Cost of a digit or symbol inside a word read for a consonant.
pub const GARBLE_CONSONANT: i32 = 500;
/// Cost of dropping a digit or symbol inside a word.
pub const GARBLE_DEL: i32 = 350;
/// Cost of a letter followed by an OCR symbol (`¥`, `©`, `£`…) read for one marked vowel: the
/// English model splits a vowel with a horn and a hook into two glyphs (`st¥a` for `sửa`; the
/// measured channel has `i¥` for `ử`, and the ocr-eng fixture `t¥`).
pub const GARBLE_PAIR: i32 = 500;
/// Cost of a vowel read for another, marked vowel (the English model's usual confusion).
pub const VOWEL_SUB: i32 = 450;
/// Cost of a consonant read for a marked vowel.
pub const CONSONANT_VOWEL: i32 = 600;
/// Extra cost when a rule's truth matches the candidate except for the tone.
const TONE_SLACK: i32 = 100;
/// Extra cost when a rule's truth matches the candidate only on the skeleton.
const SKELETON_SLACK: i32 = 250;
/// A lone glyph counts as a misread letter when a rule reads it so at this cost or less.
const LONE_RULE_MAX: i32 = 400;
/// Insertions dearer than this are not tried during generation (they branch at every position).
const MAX_INSERTION_COST: i32 = 500;
/// Generation stops exploring beyond this cost.
const BUDGET: i32 = 800;
/// At most this many non-identity rewrites per token during generation.
pub const MAX_EDITS: u8 = 2;

#[derive(Debug, Clone)]
struct Rule {
    truth: Vec<char>,
    truth_toneless: Vec<char>,
    truth_skeleton: String,
    truth_skeleton_chars: Vec<char>,
    cost: i32,
}

/// A rule as the scorer's inner loop reads it: truth of at most three characters, inline.
#[derive(Debug, Clone, Copy)]
struct FlatRule {
    /// Characters of the truth.
    len: u8,
    /// Characters of the truth's skeleton kept (at most three; only the first `len` are
    /// compared).
    skeleton_len: u8,
    truth: [char; 3],
    toneless: [char; 3],
    skeleton: [char; 3],
    cost: i32,
}

impl FlatRule {
    fn new(r: &Rule) -> FlatRule {
        let fill = |v: &[char]| {
            let mut a = ['\0'; 3];
            for (x, &c) in a.iter_mut().zip(v) {
                *x = c;
            }
            a
        };
        FlatRule {
            len: r.truth.len().min(3) as u8,
            skeleton_len: r.truth_skeleton_chars.len().min(3) as u8,
            truth: fill(&r.truth),
            toneless: fill(&r.truth_toneless),
            skeleton: fill(&r.truth_skeleton_chars),
            cost: r.cost,
        }
    }
}

/// A candidate syllable as the scorer needs it: its characters, without tones, without marks.
#[derive(Debug, Clone, Default)]
pub struct CandChars {
    /// Lowercase characters.
    pub full: Vec<char>,
    /// The same without tones.
    pub toneless: Vec<char>,
    /// The same without any mark.
    pub skeleton: Vec<char>,
    /// The insertion rules that match at each position (truth length, cost), when prepared
    /// for a channel ([`Channel::prepare`]); the scorer finds them itself otherwise.
    ins: Vec<(u8, i32)>,
    /// Offsets into `ins` by position (empty until prepared).
    ins_off: Vec<u32>,
}

impl CandChars {
    /// Takes a lowercase syllable apart.
    pub fn new(s: &str) -> CandChars {
        CandChars {
            full: s.chars().collect(),
            toneless: toneless(s).chars().collect(),
            skeleton: skeleton(s).chars().collect(),
            ins: Vec::new(),
            ins_off: Vec::new(),
        }
    }
}

/// The confusion table, indexed by the OCR side.
#[derive(Debug, Default)]
pub struct Channel {
    all: Vec<Rule>,
    /// The same rules laid out flat for the scorer's inner loop (one cache line each).
    flat: Vec<FlatRule>,
    /// OCR chunk → its entry in `chunks`.
    rules: FxMap<Vec<char>, u32>,
    /// The rules of each OCR chunk, and what generation does with them.
    chunks: Vec<Chunk>,
    max_ocr: usize,
    insertions: Vec<u32>,
    /// Insertions by the first letter of their truth skeleton (`a`–`z`; 26: anything else).
    insertions_by: Vec<Vec<u32>>,
    /// Insertions grouped by skeleton, cheapest cost (for generation), by the skeleton's first
    /// letter (`a`–`z`), cheapest first; insertions of anything else cannot spell a skeleton and
    /// are left out.
    insertion_skeletons: Vec<Vec<(String, i32)>>,
}

/// The rules of one OCR chunk (`ir`, `6`, `w`).
#[derive(Debug, Default, Clone)]
struct Chunk {
    /// Rule indexes.
    rules: Vec<u32>,
    /// For generation: each truth skeleton (letters only, maybe empty) with its cheapest cost;
    /// rewrites that only put marks back are left out (the identity covers them).
    gen: Vec<(Box<str>, i32)>,
}

/// Scratch space of the exact scorer, kept by the caller between candidates.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    /// The edit-distance table.
    dp: Vec<i32>,
    /// Insertion rules matching at each candidate position: (truth length, cost).
    ins: Vec<(u8, i32)>,
    /// Offsets into `ins` by candidate position.
    ins_off: Vec<u32>,
}

/// A token prepared for generation and scoring: its characters and the rules that apply where.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    chars: Vec<char>,
    /// Rules that apply, as (OCR characters consumed, rule index), sorted by start position and
    /// then by the bucket of their truth's first skeleton letter ([`bucket`]; 27 = empty truth).
    at: Vec<(u8, u32)>,
    /// Offsets into `at`: `at_idx[i * BUCKETS + b]` starts position `i`, bucket `b`.
    at_idx: Vec<u32>,
    /// The OCR chunks found, as (start position, characters consumed, chunk index).
    gen: Vec<(u8, u8, u32)>,
    /// Offsets into `gen` by start position (`gen_off[i]..gen_off[i + 1]` start at `i`).
    gen_off: Vec<u32>,
    /// Scratch: the rules found at one position, by bucket.
    here: Vec<(usize, u8, u32)>,
    /// True once the rules above are filled in for `chars`.
    ruled: bool,
}

impl Plan {
    /// The lowercase characters of the token.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }
}

fn is_mark_loss(o: &[char], t: &[char]) -> bool {
    o.len() == 1
        && t.len() == 1
        && o[0].is_ascii_lowercase()
        && letter(t[0]).is_some_and(|l| l.base == o[0])
}

impl Channel {
    /// Builds the index from the compiled rules (both OCR models pooled, cheapest rule kept).
    pub fn new(rules: &[ChannelRule]) -> Channel {
        let mut best: HashMap<(Vec<char>, Vec<char>), i32> = HashMap::new();
        for r in rules {
            let o: Vec<char> = r.ocr.chars().collect();
            let t: Vec<char> = r.truth.chars().collect();
            // the table's unit is a chunk of 0-3 characters; longer rows are whole words
            if o == t || is_mark_loss(&o, &t) || o.len() > 3 || t.len() > 3 {
                continue;
            }
            let c = i32::from(r.cost).max((0.2 * COST_SCALE) as i32);
            let e = best.entry((o, t)).or_insert(c);
            *e = (*e).min(c);
        }
        let mut ch = Channel::default();
        for ((o, t), cost) in best {
            let ts: String = t.iter().collect();
            let rule = Rule {
                truth_toneless: toneless(&ts).chars().collect(),
                truth_skeleton: skeleton(&ts),
                truth_skeleton_chars: skeleton(&ts).chars().collect(),
                truth: t,
                cost,
            };
            ch.max_ocr = ch.max_ocr.max(o.len());
            let id = ch.all.len() as u32;
            ch.flat.push(FlatRule::new(&rule));
            ch.all.push(rule);
            if o.is_empty() {
                ch.insertions.push(id);
            } else {
                let n = ch.chunks.len() as u32;
                let c = *ch.rules.entry(o).or_insert(n);
                if c == n {
                    ch.chunks.push(Chunk::default());
                }
                ch.chunks[c as usize].rules.push(id);
            }
        }
        for (o, &c) in &ch.rules {
            let own = (o.len() == 1)
                .then(|| letter(o[0]).map(|l| l.base.to_string()))
                .flatten();
            let mut gen: Vec<(Box<str>, i32)> = Vec::new();
            for &r in &ch.chunks[c as usize].rules {
                let rule = &ch.all[r as usize];
                let sk = rule.truth_skeleton.as_str();
                if own.as_deref() == Some(sk) || !sk.chars().all(|c| c.is_ascii_lowercase()) {
                    continue;
                }
                match gen.iter_mut().find(|g| &*g.0 == sk) {
                    Some(g) => g.1 = g.1.min(rule.cost),
                    None => gen.push((sk.into(), rule.cost)),
                }
            }
            gen.sort();
            ch.chunks[c as usize].gen = gen;
        }
        let mut ins: HashMap<String, i32> = HashMap::new();
        for &i in &ch.insertions {
            let r = &ch.all[i as usize];
            let e = ins.entry(r.truth_skeleton.clone()).or_insert(r.cost);
            *e = (*e).min(r.cost);
        }
        let mut ins: Vec<(String, i32)> = ins
            .into_iter()
            .filter(|&(_, c)| c <= MAX_INSERTION_COST)
            .collect();
        ins.sort();
        ch.insertion_skeletons = vec![Vec::new(); 26];
        for (sk, c) in ins {
            if let Some(b) = sk.chars().next().filter(char::is_ascii_lowercase) {
                ch.insertion_skeletons[bucket(b)].push((sk, c));
            }
        }
        // cheapest first: generation stops at the first one over its limit
        for list in &mut ch.insertion_skeletons {
            list.sort_by(|x, y| (x.1, &x.0).cmp(&(y.1, &y.0)));
        }
        ch.insertions_by = vec![Vec::new(); 27];
        for &i in &ch.insertions {
            let first = ch.all[i as usize].truth_skeleton_chars.first().copied();
            ch.insertions_by[first.map_or(26, bucket)].push(i);
        }
        ch
    }

    /// True when the table reads `c` alone for a letter with a probability of at least e^-4.
    pub fn stands_for_letter(&self, c: char) -> bool {
        self.rules.get(&[c][..]).is_some_and(|&ci| {
            self.chunks[ci as usize].rules.iter().any(|&r| {
                let r = &self.all[r as usize];
                r.cost <= LONE_RULE_MAX && r.truth.iter().any(|t| t.is_alphabetic())
            })
        })
    }

    /// Number of rules in the table.
    pub fn len(&self) -> usize {
        self.all.len()
    }

    /// True when the table is empty (only the built-in costs apply).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Prepares a lowercase token.
    pub fn plan(&self, token: &str, plan: &mut Plan) {
        self.plan_chars(token, plan);
        self.find_rules(plan);
    }

    /// Prepares a lowercase token's characters only; the rules that apply where are found when
    /// the exact scorer first needs them (a reading that differs only in marks needs none).
    pub fn plan_chars(&self, token: &str, plan: &mut Plan) {
        plan.chars.clear();
        plan.chars.extend(token.chars());
        plan.ruled = false;
    }

    /// Finds the rules that apply at each position of the planned characters.
    fn find_rules(&self, plan: &mut Plan) {
        plan.ruled = true;
        plan.at.clear();
        plan.at_idx.clear();
        plan.gen.clear();
        plan.gen_off.clear();
        let n = plan.chars.len();
        let mut here = std::mem::take(&mut plan.here);
        for i in 0..n {
            plan.gen_off.push(plan.gen.len() as u32);
            here.clear();
            for k in 1..=self.max_ocr.min(n - i) {
                if let Some(&ci) = self.rules.get(&plan.chars[i..i + k]) {
                    let chunk = &self.chunks[ci as usize];
                    if !chunk.gen.is_empty() {
                        plan.gen.push((i as u8, k as u8, ci));
                    }
                    for &r in &chunk.rules {
                        let rule = &self.all[r as usize];
                        let b = rule
                            .truth_skeleton_chars
                            .first()
                            .map_or(EMPTY, |&c| bucket(c));
                        here.push((b, k as u8, r));
                    }
                }
            }
            here.sort_unstable();
            let mut h = 0;
            for b in 0..BUCKETS {
                plan.at_idx.push(plan.at.len() as u32);
                while h < here.len() && here[h].0 == b {
                    plan.at.push((here[h].1, here[h].2));
                    h += 1;
                }
            }
        }
        plan.gen_off.push(plan.gen.len() as u32);
        plan.here = here;
        for _ in 0..BUCKETS {
            plan.at_idx.push(plan.at.len() as u32);
        }
        plan.at_idx.push(plan.at.len() as u32);
    }

    /// Cost of one character read as `o` when `t` was printed.
    fn sub(o: char, t: char) -> i32 {
        if o == t {
            return 0;
        }
        let Some(lt) = letter(t) else { return SUB };
        let marked = lt.modi != 0 || lt.tone != 0;
        match letter(o) {
            Some(lo) if lo.base == lt.base => {
                if lo.modi == 0 && lo.tone == 0 {
                    0
                } else {
                    MARK_WRONG
                }
            }
            Some(lo) => Self::generic(lo.base, lt.base, marked),
            None => {
                if is_vowel(lt.base) {
                    GARBLE_VOWEL
                } else {
                    GARBLE_CONSONANT
                }
            }
        }
    }

    /// Generic cost of base letter `o` read for base letter `t` (`marked`: `t` carries marks).
    fn generic(o: char, t: char, marked: bool) -> i32 {
        match (is_vowel(o), is_vowel(t)) {
            (true, true) if marked => VOWEL_SUB,
            (false, true) if marked => CONSONANT_VOWEL,
            _ => SUB,
        }
    }

    fn del(o: char) -> i32 {
        if letter(o).is_some() {
            DEL
        } else {
            GARBLE_DEL
        }
    }

    /// The cost of a rule's truth read at position `j` of the candidate: its cost when the
    /// truth is there as written, a little more when only the tone differs, more again when only
    /// the skeleton matches; `None` when even the skeleton does not.
    #[inline]
    fn rule_match(rule: &FlatRule, cand: &CandChars, j: usize) -> Option<i32> {
        let l = rule.len as usize;
        if j + l > cand.full.len() {
            return None;
        }
        let k = l.min(rule.skeleton_len as usize);
        if (0..k).any(|x| cand.skeleton[j + x] != rule.skeleton[x]) {
            return None;
        }
        if (0..l).all(|x| cand.full[j + x] == rule.truth[x]) {
            Some(rule.cost)
        } else if (0..l).all(|x| cand.toneless[j + x] == rule.toneless[x]) {
            Some(rule.cost + TONE_SLACK)
        } else {
            Some(rule.cost + SKELETON_SLACK)
        }
    }

    /// The insertion rules that match at each position of the candidate: (truth length, cost),
    /// with offsets by position.
    fn insertions_into(&self, cand: &CandChars, ins: &mut Vec<(u8, i32)>, ins_off: &mut Vec<u32>) {
        ins.clear();
        ins_off.clear();
        for j in 0..cand.full.len() {
            ins_off.push(ins.len() as u32);
            for &ri in &self.insertions_by[bucket(cand.skeleton[j])] {
                let r = &self.flat[ri as usize];
                if let Some(c) = Self::rule_match(r, cand, j) {
                    ins.push((r.len, c));
                }
            }
        }
        ins_off.push(ins.len() as u32);
    }

    /// Finds once, for a candidate scored many times, the insertion rules that match in it.
    pub fn prepare(&self, cand: &mut CandChars) {
        let (mut ins, mut ins_off) = (Vec::new(), Vec::new());
        self.insertions_into(cand, &mut ins, &mut ins_off);
        ins.shrink_to_fit();
        cand.ins = ins;
        cand.ins_off = ins_off;
    }

    /// Weighted edit distance from the planned token to a candidate (lowercase characters).
    pub fn cost(&self, plan: &mut Plan, cand: &CandChars, scratch: &mut Scratch) -> i32 {
        self.cost_within(plan, cand, i32::MAX / 4, scratch)
    }

    /// [`Channel::cost`] when it is at most `limit`; some value above `limit` otherwise (paths
    /// dearer than the limit are not followed: every step costs zero or more).
    pub fn cost_within(
        &self,
        plan: &mut Plan,
        cand: &CandChars,
        limit: i32,
        scratch: &mut Scratch,
    ) -> i32 {
        let (n, m) = (plan.chars.len(), cand.full.len());
        // every character read as itself or with its marks lost: nothing costs less than that
        if n == m
            && plan
                .chars
                .iter()
                .zip(&cand.full)
                .all(|(&o, &t)| Self::sub(o, t) == 0)
        {
            return 0;
        }
        if !plan.ruled {
            self.find_rules(plan);
        }
        let plan = &*plan;
        let w = m + 1;
        let Scratch { dp, ins, ins_off } = scratch;
        // the insertion rules that match at each position of the candidate (the same for
        // every row of the table): prepared with the candidate, or found here
        let (ins, ins_off): (&[(u8, i32)], &[u32]) = if cand.ins_off.len() == m + 1 {
            (&cand.ins, &cand.ins_off)
        } else {
            self.insertions_into(cand, ins, ins_off);
            (ins, ins_off)
        };
        dp.clear();
        dp.resize((n + 1) * w, i32::MAX / 2);
        dp[0] = 0;
        // the last row holding a value within the limit: rows below it are never reached
        let mut reach = 0;
        for i in 0..=n {
            if i > reach {
                break;
            }
            for j in 0..=m {
                let here = dp[i * w + j];
                if here >= i32::MAX / 2 || here > limit {
                    continue;
                }
                let relax = |ii: usize, jj: usize, c: i32, dp: &mut Vec<i32>, reach: &mut usize| {
                    let v = here + c;
                    if v < dp[ii * w + jj] {
                        dp[ii * w + jj] = v;
                        if v <= limit {
                            *reach = (*reach).max(ii);
                        }
                    }
                };
                if i < n && j < m {
                    relax(
                        i + 1,
                        j + 1,
                        Self::sub(plan.chars[i], cand.full[j]),
                        dp,
                        &mut reach,
                    );
                }
                if i < n {
                    relax(i + 1, j, Self::del(plan.chars[i]), dp, &mut reach);
                }
                if j < m && garble_pair_at(&plan.chars, i) {
                    if let Some(lt) = letter(cand.full[j]) {
                        if is_vowel(lt.base) && (lt.modi != 0 || lt.tone != 0) {
                            relax(i + 2, j + 1, GARBLE_PAIR, dp, &mut reach);
                        }
                    }
                }
                if j < m {
                    relax(i, j + 1, INS, dp, &mut reach);
                    for &(l, c) in &ins[ins_off[j] as usize..ins_off[j + 1] as usize] {
                        relax(i, j + l as usize, c, dp, &mut reach);
                    }
                }
                if i < n {
                    let base = i * BUCKETS;
                    let first = if j < m {
                        bucket(cand.skeleton[j])
                    } else {
                        EMPTY
                    };
                    let ranges = [
                        plan.at_idx[base + first]..plan.at_idx[base + first + 1],
                        plan.at_idx[base + EMPTY]..plan.at_idx[base + EMPTY + 1],
                    ];
                    let ranges = if first == EMPTY {
                        &ranges[1..]
                    } else {
                        &ranges[..]
                    };
                    for r in ranges {
                        for &(k, ri) in &plan.at[r.start as usize..r.end as usize] {
                            let r = &self.flat[ri as usize];
                            if let Some(c) = Self::rule_match(r, cand, j) {
                                relax(i + k as usize, j + r.len as usize, c, dp, &mut reach);
                            }
                        }
                    }
                }
            }
        }
        dp[n * w + m]
    }

    /// Skeletons reachable from the planned token within the budget, as trie nodes with their
    /// cheapest generation cost; only prefixes of skeletons in `trie` are explored, and nothing
    /// dearer than `margin` above the cheapest skeleton found. `seen` is scratch space (explored
    /// states), kept by the caller between tokens.
    pub fn expand(
        &self,
        plan: &Plan,
        trie: &Trie,
        margin: i32,
        seen: &mut FxMap<u64, [i32; MAX_EDITS as usize + 1]>,
        out: &mut FxMap<u32, i32>,
    ) {
        seen.clear();
        let mut w = Walk {
            ch: self,
            plan,
            trie,
            margin,
            limit: BUDGET,
            seen,
            out,
        };
        w.go(0, Trie::ROOT, 0, 0);
    }
}

/// One generation walk over the skeleton trie.
struct Walk<'a> {
    ch: &'a Channel,
    plan: &'a Plan,
    trie: &'a Trie,
    /// How far above the cheapest skeleton found the walk still explores.
    margin: i32,
    /// The current cost limit: the budget, or less once a skeleton is found.
    limit: i32,
    /// Explored states (node, position) → cheapest cost seen with each number of edits.
    seen: &'a mut FxMap<u64, [i32; MAX_EDITS as usize + 1]>,
    /// Reached skeleton nodes → cheapest cost.
    out: &'a mut FxMap<u32, i32>,
}

impl Walk<'_> {
    fn go(&mut self, i: usize, node: u32, cost: i32, edits: u8) {
        if cost > self.limit {
            return;
        }
        // a state reached before as cheaply with no more edits has been explored
        let key = (u64::from(node) << 16) | i as u64;
        let best = self
            .seen
            .entry(key)
            .or_insert([i32::MAX; MAX_EDITS as usize + 1]);
        if best[..=edits as usize].iter().any(|&c| c <= cost) {
            return;
        }
        best[edits as usize] = cost;
        let (plan, trie, ch) = (self.plan, self.trie, self.ch);
        let n = plan.chars.len();
        if i == n {
            if node != Trie::ROOT && trie.is_terminal(node) {
                let e = self.out.entry(node).or_insert(cost);
                *e = (*e).min(cost);
                self.limit = self.limit.min(cost.saturating_add(self.margin));
            }
            return;
        }
        let o = plan.chars[i];
        let lo = letter(o);
        // the character itself (marks dropped)
        if let Some(next) = lo.and_then(|l| trie.child(node, l.base)) {
            self.go(i + 1, next, cost, edits);
        }
        if edits >= MAX_EDITS {
            return;
        }
        // generic substitutions (the exact cost, marks included, is computed by `cost`)
        for (b, next) in trie.children(node) {
            let c = match lo {
                Some(l) if l.base == b => continue,
                Some(l) => Channel::generic(l.base, b, true),
                None if is_vowel(b) => GARBLE_VOWEL,
                None => GARBLE_CONSONANT,
            };
            if cost + c <= self.limit {
                self.go(i + 1, next, cost + c, edits + 1);
            }
        }
        if garble_pair_at(&plan.chars, i) && cost + GARBLE_PAIR <= self.limit {
            for (b, next) in trie.children(node) {
                if is_vowel(b) {
                    self.go(i + 2, next, cost + GARBLE_PAIR, edits + 1);
                }
            }
        }
        let gens = plan.gen_off[i] as usize..plan.gen_off[i + 1] as usize;
        for &(_, k, ci) in &plan.gen[gens] {
            for (sk, c) in &ch.chunks[ci as usize].gen {
                if cost + c > self.limit {
                    continue;
                }
                if let Some(next) = trie.follow(node, sk) {
                    self.go(i + k as usize, next, cost + c, edits + 1);
                }
            }
        }
        for (b, _) in trie.children(node) {
            // (cheapest first)
            for (sk, c) in &ch.insertion_skeletons[bucket(b)] {
                if cost + c > self.limit {
                    break;
                }
                if let Some(next) = trie.follow(node, sk) {
                    self.go(i, next, cost + c, edits + 1);
                }
            }
        }
        // drop the character
        let c = Channel::del(o);
        if cost + c <= self.limit {
            self.go(i + 1, node, cost + c, edits + 1);
        }
    }
}

/// Number of rule buckets: 26 letters, anything else, empty.
const BUCKETS: usize = 28;
/// The bucket of rules whose truth is empty (deletions).
const EMPTY: usize = 27;

/// Bucket of a skeleton character in `insertions_by` and in a plan's rules.
#[inline]
fn bucket(c: char) -> usize {
    if c.is_ascii_lowercase() {
        c as usize - 'a' as usize
    } else {
        26
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// A symbol the English model writes for a piece of a Vietnamese letter: neither a letter, a digit
/// nor ASCII punctuation (`¥`, `©`, `®`, `£`, `¢`, `§`).
fn is_garble_symbol(c: char) -> bool {
    !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace()
}

/// True when characters `i` and `i + 1` of an OCR token are a letter and a garble symbol.
fn garble_pair_at(chars: &[char], i: usize) -> bool {
    chars.get(i).is_some_and(|&c| letter(c).is_some())
        && chars.get(i + 1).is_some_and(|&c| is_garble_symbol(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(o: &str, t: &str, cost: u16) -> ChannelRule {
        ChannelRule {
            model: 0,
            ocr: o.into(),
            truth: t.into(),
            cost,
        }
    }

    #[test]
    fn marks_lost_are_free_and_rules_apply() {
        let ch = Channel::new(&[rule("6", "ố", 50), rule("ir", "ứ", 80)]);
        let mut plan = Plan::default();
        let mut dp = Scratch::default();
        ch.plan("s6", &mut plan);
        let so = CandChars::new("số");
        let so2 = CandChars::new("sổ");
        assert_eq!(ch.cost(&mut plan, &so, &mut dp), 50);
        assert_eq!(ch.cost(&mut plan, &so2, &mut dp), 50 + TONE_SLACK);
        ch.plan("chirc", &mut plan);
        let chuc = CandChars::new("chức");
        assert_eq!(ch.cost(&mut plan, &chuc, &mut dp), 80);
        ch.plan("nguoi", &mut plan);
        let nguoi = CandChars::new("người");
        assert_eq!(ch.cost(&mut plan, &nguoi, &mut dp), 0);
    }

    #[test]
    fn prepared_candidates_cost_what_unprepared_ones_do() {
        // insertion rules (empty OCR side) are what preparing finds ahead
        let ch = Channel::new(&[
            rule("", "h", 90),
            rule("", "ư", 120),
            rule("6", "ố", 50),
            rule("ir", "ứ", 80),
        ]);
        let mut plan = Plan::default();
        let mut dp = Scratch::default();
        for token in ["nguoi", "s6", "chirc", "ngoi", "tuong", "6"] {
            ch.plan(token, &mut plan);
            for word in ["người", "số", "chức", "thương", "nhà", "ư"] {
                let plain = CandChars::new(word);
                let mut ready = CandChars::new(word);
                ch.prepare(&mut ready);
                assert_eq!(
                    ch.cost(&mut plan, &plain, &mut dp),
                    ch.cost(&mut plan, &ready, &mut dp),
                    "{token} -> {word}"
                );
            }
        }
    }

    #[test]
    fn expansion_reaches_skeletons() {
        let ch = Channel::new(&[rule("6", "ố", 50)]);
        let mut trie = Trie::default();
        trie.insert("so");
        let mut plan = Plan::default();
        ch.plan("s6", &mut plan);
        let mut out = FxMap::default();
        ch.expand(&plan, &trie, 1000, &mut FxMap::default(), &mut out);
        let so = trie.follow(Trie::ROOT, "so").expect("node");
        assert_eq!(out.get(&so), Some(&50));
    }
}

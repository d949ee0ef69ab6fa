//! The loaded model: the compiled dictionary plus the indexes built from it at load time
//! (syllable ids, skeleton index, skeleton prefixes, confusion table, protected tokens, the
//! pair and triple tables of [`crate::ngram`]).
//!
//! It is immutable once built and shared by all threads; everything mutable lives in the
//! per-thread [`crate::decode::Worker`].

use crate::channel::{CandChars, Channel};
use crate::lexicon::{skeleton_index, Dict};
use crate::ngram::{PairTable, TripleTable};
use crate::text::{normalize_word, skeleton};
use crate::trie::Trie;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// A small fast hasher for integer keys (the Firefox/rustc "Fx" mix); not DoS-resistant, which
/// does not matter for keys that come from our own dictionary.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // eight bytes per step (strings are hashed too: syllables, cache keys)
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        // fold the high bits down: the table indexes buckets by the low bits, and keys that
        // differ only in their high half (`a << 32 | b`) would otherwise all collide
        let x = self.0;
        (x ^ (x >> 29) ^ (x >> 43)).rotate_left(20)
    }
}

/// A hash map with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A hash set with [`FxHasher`].
pub type FxSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

/// The shared, read-only model.
#[derive(Debug)]
pub struct Model {
    /// A number no other model built by this process has (caches kept outside the model, such
    /// as a worker's [`crate::paircache::PairCache`], say whose costs they hold with it).
    pub uid: u64,
    /// The compiled tables.
    pub dict: Dict,
    /// Syllable → id.
    pub ids: FxMap<String, u32>,
    /// Skeleton → ids of the Vietnamese syllables sharing it.
    pub skel: FxMap<String, Vec<u32>>,
    /// Every skeleton, as a trie (generation walks it).
    pub trie: Trie,
    /// Each syllable taken apart for the channel scorer, by id.
    pub chars: Vec<CandChars>,
    /// The confusion table.
    pub channel: Channel,
    /// Protected tokens, exactly as written.
    pub protected: FxSet<String>,
    /// Code parts written without `Đ` → their proper form (`ND` → `NĐ`).
    pub code_repair: FxMap<String, String>,
    /// Id of `<num>`.
    pub num_id: u32,
    /// Id of `<abbr>` (any acronym).
    pub abbr_id: u32,
    /// Per part of a person's name, the cost of a syllable never seen there.
    person_floor: [i32; 4],
    /// Syllable pairs inside known names.
    pub names: FxSet<u64>,
    /// Stored word pairs: cost and the back-off of the triples they start.
    pub pairs: PairTable,
    /// Stored word triples: cost.
    pub triples: TripleTable,
    /// Clerk-confirmed words (lowercase) → skeleton.
    pub user: HashMap<String, String>,
    /// Skeleton → clerk-confirmed words.
    pub user_skel: HashMap<String, Vec<String>>,
    /// Clerk-confirmed phrases of several syllables (names such as `Sơn Tịnh`): the skeleton of
    /// each syllable and the syllables as confirmed, longest first.
    pub user_phrases: Vec<(Vec<String>, Vec<String>)>,
    /// Gazetteer place names by the skeletons of their syllables (`ea tul` → `Ea Tul`): every
    /// marked form of that skeleton, as printed.
    pub places: FxMap<String, Vec<Vec<String>>>,
    /// Most syllables of a place name.
    pub place_len: usize,
}

impl Model {
    /// Builds the indexes of a decoded dictionary.
    pub fn new(dict: Dict) -> Model {
        let ids: FxMap<String, u32> = dict
            .syl
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        let skel: FxMap<String, Vec<u32>> = skeleton_index(&dict).into_iter().collect();
        let mut trie = Trie::default();
        for s in skel.keys() {
            trie.insert(s);
        }
        let channel = Channel::new(&dict.channel);
        let chars = dict
            .syl
            .iter()
            .map(|s| {
                let mut c = CandChars::new(s);
                channel.prepare(&mut c);
                c
            })
            .collect();
        let protected: FxSet<String> = dict.protected.iter().map(|p| p.0.clone()).collect();
        let mut code_repair = FxMap::default();
        for p in &protected {
            for part in p.split(['-', '/']) {
                if part.contains(['Đ', 'đ']) && part.chars().all(char::is_alphabetic) {
                    code_repair.insert(part.replace('Đ', "D").replace('đ', "d"), part.to_string());
                }
            }
        }
        let num_id = ids.get("<num>").copied().unwrap_or(0);
        let abbr_id = ids.get("<abbr>").copied().unwrap_or(num_id);
        let mut person_floor = [0i32; 4];
        for costs in &dict.person {
            for (f, &c) in person_floor.iter_mut().zip(costs) {
                *f = (*f).max(i32::from(c));
            }
        }
        let names: FxSet<u64> = dict.name_pairs.iter().copied().collect();
        let pairs = PairTable::new(
            (0..dict.syl.len())
                .flat_map(|a| {
                    let (lo, hi) = (dict.bi_off[a] as usize, dict.bi_off[a + 1] as usize);
                    (lo..hi).map(move |k| (a as u32, k))
                })
                .map(|(a, k)| (a, dict.bi_next[k], dict.bi_cost[k], dict.tri_backoff[k]))
                .collect::<Vec<_>>()
                .into_iter(),
        );
        let triples = TripleTable::new(
            dict.tri_key
                .iter()
                .zip(&dict.tri_cost)
                .map(|(&k, &c)| {
                    (
                        (k >> 42) as u32,
                        ((k >> 21) & 0x1f_ffff) as u32,
                        (k & 0x1f_ffff) as u32,
                        c,
                    )
                })
                .collect::<Vec<_>>()
                .into_iter(),
        );
        let mut places: FxMap<String, Vec<Vec<String>>> = FxMap::default();
        let mut place_len = 0;
        for p in &dict.places {
            let syls: Vec<String> = p.split_whitespace().map(str::to_string).collect();
            place_len = place_len.max(syls.len());
            let key = syls
                .iter()
                .map(|w| crate::text::skeleton(w))
                .collect::<Vec<_>>()
                .join(" ");
            places.entry(key).or_default().push(syls);
        }
        static MODELS: AtomicU64 = AtomicU64::new(1);
        Model {
            uid: MODELS.fetch_add(1, Ordering::Relaxed),
            dict,
            ids,
            skel,
            trie,
            chars,
            channel,
            protected,
            code_repair,
            num_id,
            abbr_id,
            person_floor,
            names,
            pairs,
            triples,
            user: HashMap::new(),
            user_skel: HashMap::new(),
            user_phrases: Vec::new(),
            places,
            place_len,
        }
    }

    /// Adds clerk-confirmed words.
    pub fn add_user_words(&mut self, words: impl IntoIterator<Item = String>) {
        for w in words {
            let syllables: Vec<String> = w.split_whitespace().map(normalize_word).collect();
            if syllables.len() > 1 {
                let sks = syllables.iter().map(|s| skeleton(s)).collect();
                if !self.user_phrases.iter().any(|(_, s)| *s == syllables) {
                    self.user_phrases.push((sks, syllables));
                    self.user_phrases
                        .sort_by_key(|(sk, _)| std::cmp::Reverse(sk.len()));
                }
                continue;
            }
            let w = normalize_word(w.trim()).to_lowercase();
            if w.is_empty() {
                continue;
            }
            let sk = skeleton(&w);
            self.trie.insert(&sk);
            self.user_skel
                .entry(sk.clone())
                .or_default()
                .push(w.clone());
            self.user.insert(w, sk);
        }
    }

    /// True when a lowercase NFC word is a Vietnamese syllable of the dictionary (not `<num>`,
    /// `<abbr>` or a foreign word the corpora counted).
    #[inline]
    pub fn is_syllable(&self, lower: &str) -> bool {
        self.ids
            .get(lower)
            .is_some_and(|&i| self.dict.flags[i as usize] & crate::lexicon::FLAG_SYLLABLE != 0)
    }

    /// Unigram cost of a syllable.
    #[inline]
    pub fn uni(&self, id: u32) -> i32 {
        i32::from(self.dict.uni[id as usize])
    }

    /// Cost of syllable `id` as a person's surname (`part` 0), middle syllable (1), given
    /// name (2) or given name after the middle name `Thị` (3).
    #[inline]
    pub fn person(&self, id: u32, part: usize) -> i32 {
        i32::from(self.dict.person[id as usize][part])
    }

    /// What a syllable never seen in that part of a name costs there (the most any costs).
    pub fn person_floor(&self, part: usize) -> i32 {
        self.person_floor[part]
    }

    /// Cost of `b` after `a`.
    #[inline]
    pub fn bigram(&self, a: u32, b: u32) -> i32 {
        self.bigram_at(a, b).0
    }

    /// Cost of `b` after `a`, and the back-off cost of the triples after `a b` when the pair is
    /// stored.
    #[inline]
    pub fn bigram_at(&self, a: u32, b: u32) -> (i32, Option<u16>) {
        match self.pairs.get(a, b) {
            Some((cost, backoff)) => (i32::from(cost), Some(backoff)),
            None => (
                i32::from(self.dict.backoff[a as usize]) + i32::from(self.dict.cont[b as usize]),
                None,
            ),
        }
    }

    /// Cost of `c` after `a b`.
    #[inline]
    pub fn trigram(&self, a: u32, b: u32, c: u32) -> i32 {
        let (_, Some(backoff)) = self.bigram_at(a, b) else {
            return self.bigram(b, c);
        };
        match self.triples.get(a, b, c) {
            Some(t) => i32::from(t),
            None => i32::from(backoff) + self.bigram(b, c),
        }
    }
}

//! The language model's stored word pairs and triples as flat open-addressing tables, built at
//! load time from the blob's sorted arrays.
//!
//! The decoder asks for hundreds of pair costs per token, most of them for pairs never seen
//! together. A probe here is one multiplicative hash and, nearly always, one or two reads of
//! adjacent 8-byte slots (key and value share the slot, so a miss costs what a hit costs); the
//! pair table of 340 000 pairs fits in 4 MB. Syllable ids are below 2^16 (the blob is refused
//! otherwise), so a pair key is 32 bits and a triple key 48.

/// Most syllables a dictionary may hold: ids fit in 16 bits, with `u16::MAX` kept free.
pub const MAX_SYLLABLES: usize = u16::MAX as usize;

/// An empty slot (no key packs to all ones: ids stay below `u16::MAX`).
const EMPTY: u64 = u64::MAX;

/// Bits of a table's slot count: at least 3/2 slots per entry (a load of at most 2/3, where
/// linear probing still finds a stored key in one or two adjacent slots; misses mostly stop at
/// the filter).
fn table_bits(n: usize) -> u32 {
    let slots = (n.max(8) * 3 / 2).next_power_of_two();
    slots.trailing_zeros()
}

#[inline]
fn slot_of(key: u64, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

/// Stored pairs: (a, b) → (cost of `b` after `a`, back-off cost of the triples after `a b`).
///
/// Nine lookups in ten ask for a pair that is not stored (candidate readings of neighbouring
/// garbled words rarely go together), so a small filter answers those first: per syllable `a`, a
/// blocked Bloom filter of its successors (about 8 bits per pair, two bits set in one 64-bit word),
/// 0.5 MB in all, which stays in the core's cache where the 4 MB table does not.
#[derive(Debug, Clone)]
pub struct PairTable {
    /// `a << 48 | b << 32 | cost << 16 | backoff`, or [`EMPTY`].
    slots: Vec<u64>,
    shift: u32,
    mask: usize,
    /// Filter words, row after row.
    filter: Vec<u64>,
    /// Per syllable `a`: its first filter word and its number of words less one (a power of two
    /// less one); `(0, 0)` past the rows that have successors.
    rows: Vec<(u32, u32)>,
}

/// Filter bits per stored pair (rounded up to a power of two words per row).
const FILTER_BITS_PER_PAIR: usize = 8;

impl PairTable {
    /// Builds the table from `(a, b, cost, backoff)` entries (keys unique).
    pub fn new(entries: impl ExactSizeIterator<Item = (u32, u32, u16, u16)>) -> PairTable {
        let entries: Vec<(u32, u32, u16, u16)> = entries.collect();
        let bits = table_bits(entries.len());
        let rows_n = entries.iter().map(|e| e.0 as usize + 1).max().unwrap_or(0);
        let mut len = vec![0usize; rows_n];
        for e in &entries {
            len[e.0 as usize] += 1;
        }
        let mut rows = Vec::with_capacity(rows_n);
        let mut words = 0usize;
        for &n in &len {
            let w = (n * FILTER_BITS_PER_PAIR).div_ceil(64).next_power_of_two();
            rows.push((words as u32, w as u32 - 1));
            words += w;
        }
        let mut t = PairTable {
            slots: vec![EMPTY; 1 << bits],
            shift: 64 - bits,
            mask: (1 << bits) - 1,
            filter: vec![0; words],
            rows,
        };
        for (a, b, cost, backoff) in entries {
            let key = (u64::from(a) << 16) | u64::from(b);
            let mut i = slot_of(key, t.shift);
            while t.slots[i] != EMPTY {
                i = (i + 1) & t.mask;
            }
            t.slots[i] = (key << 32) | (u64::from(cost) << 16) | u64::from(backoff);
            let (w, bitset) = t.filter_at(a, b);
            t.filter[w] |= bitset;
        }
        t
    }

    /// The filter word of the pair `a b` and the bits the pair sets in it.
    #[inline]
    fn filter_at(&self, a: u32, b: u32) -> (usize, u64) {
        let (start, mask) = self.rows[a as usize];
        let h = u64::from(b).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let w = start as usize + ((h >> 32) as usize & mask as usize);
        (w, (1u64 << (h >> 58)) | (1u64 << ((h >> 52) & 63)))
    }

    /// The stored (cost, triple back-off) of the pair `a b`, if it is stored.
    #[inline]
    pub fn get(&self, a: u32, b: u32) -> Option<(u16, u16)> {
        if a as usize >= self.rows.len() {
            return None;
        }
        let (w, bitset) = self.filter_at(a, b);
        if self.filter[w] & bitset != bitset {
            return None;
        }
        let key = (u64::from(a) << 16) | u64::from(b);
        let mut i = slot_of(key, self.shift);
        loop {
            let s = self.slots[i];
            if s >> 32 == key {
                return Some(((s >> 16) as u16, s as u16));
            }
            if s == EMPTY {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Bytes the table and its filter take.
    pub fn bytes(&self) -> usize {
        self.slots.len() * 8 + self.filter.len() * 8 + self.rows.len() * 8
    }
}

/// Stored triples: (a, b, c) → cost of `c` after `a b`.
///
/// Most triples asked for are not stored either; a blocked Bloom filter (8 bits per triple, two
/// bits set in one 64-bit word, 0.2 MB) answers those without touching the table.
#[derive(Debug, Clone)]
pub struct TripleTable {
    /// `a << 48 | b << 32 | c << 16 | cost`, or [`EMPTY`].
    slots: Vec<u64>,
    shift: u32,
    mask: usize,
    /// Filter words.
    filter: Vec<u64>,
    /// Bits of a filter word index.
    filter_bits: u32,
}

impl TripleTable {
    /// Builds the table from `(a, b, c, cost)` entries (keys unique).
    pub fn new(entries: impl ExactSizeIterator<Item = (u32, u32, u32, u16)>) -> TripleTable {
        let bits = table_bits(entries.len());
        let words = (entries.len() * FILTER_BITS_PER_PAIR)
            .div_ceil(64)
            .next_power_of_two();
        let mut t = TripleTable {
            slots: vec![EMPTY; 1 << bits],
            shift: 64 - bits,
            mask: (1 << bits) - 1,
            filter: vec![0; words],
            filter_bits: words.trailing_zeros(),
        };
        for (a, b, c, cost) in entries {
            let key = Self::key(a, b, c);
            let mut i = slot_of(key, t.shift);
            while t.slots[i] != EMPTY {
                i = (i + 1) & t.mask;
            }
            t.slots[i] = (key << 16) | u64::from(cost);
            let (w, bitset) = t.filter_at(key);
            t.filter[w] |= bitset;
        }
        t
    }

    /// The filter word of a key and the bits the key sets in it.
    #[inline]
    fn filter_at(&self, key: u64) -> (usize, u64) {
        let h = key.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        let w = if self.filter_bits == 0 {
            0
        } else {
            (h >> (64 - self.filter_bits)) as usize
        };
        (w, (1u64 << (h & 63)) | (1u64 << ((h >> 6) & 63)))
    }

    #[inline]
    fn key(a: u32, b: u32, c: u32) -> u64 {
        (u64::from(a) << 32) | (u64::from(b) << 16) | u64::from(c)
    }

    /// The stored cost of `c` after `a b`, if the triple is stored.
    #[inline]
    pub fn get(&self, a: u32, b: u32, c: u32) -> Option<u16> {
        let key = Self::key(a, b, c);
        let (w, bitset) = self.filter_at(key);
        if self.filter[w] & bitset != bitset {
            return None;
        }
        let mut i = slot_of(key, self.shift);
        loop {
            let s = self.slots[i];
            if s >> 16 == key {
                return Some(s as u16);
            }
            if s == EMPTY {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Bytes the table and its filter take.
    pub fn bytes(&self) -> usize {
        self.slots.len() * 8 + self.filter.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pair_table_finds_exactly_what_was_stored(
            entries in proptest::collection::hash_map((0u32..300, 0u32..300), (any::<u16>(), any::<u16>()), 0..400),
            probes in proptest::collection::vec((0u32..300, 0u32..300), 0..200),
        ) {
            let t = PairTable::new(entries.iter().map(|(&(a, b), &(c, k))| (a, b, c, k)).collect::<Vec<_>>().into_iter());
            for (&(a, b), &v) in &entries {
                prop_assert_eq!(t.get(a, b), Some(v));
            }
            for (a, b) in probes {
                prop_assert_eq!(t.get(a, b), entries.get(&(a, b)).copied());
            }
        }

        #[test]
        fn triple_table_finds_exactly_what_was_stored(
            entries in proptest::collection::hash_map((0u32..40, 0u32..40, 0u32..40), any::<u16>(), 0..400),
            probes in proptest::collection::vec((0u32..40, 0u32..40, 0u32..40), 0..200),
        ) {
            let t = TripleTable::new(entries.iter().map(|(&(a, b, c), &v)| (a, b, c, v)).collect::<Vec<_>>().into_iter());
            for (a, b, c) in probes {
                prop_assert_eq!(t.get(a, b, c), entries.get(&(a, b, c)).copied());
            }
        }
    }

    #[test]
    fn largest_ids_and_costs_round_trip() {
        let big = MAX_SYLLABLES as u32 - 1;
        let t = PairTable::new([(big, big, u16::MAX, u16::MAX), (0, 0, 0, 0)].into_iter());
        assert_eq!(t.get(big, big), Some((u16::MAX, u16::MAX)));
        assert_eq!(t.get(0, 0), Some((0, 0)));
        assert_eq!(t.get(0, big), None);
        let t = TripleTable::new([(big, big, big, 7)].into_iter());
        assert_eq!(t.get(big, big, big), Some(7));
        assert_eq!(t.get(big, big, 0), None);
    }
}

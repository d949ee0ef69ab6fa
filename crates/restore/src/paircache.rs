//! The word-pair costs between the candidate lists of two neighbouring tokens, kept from line to
//! line.
//!
//! The decoder asks for the bigram cost of every pair (candidate of one token, candidate of the
//! next): about 100 per token, each a probe of the 4 MB pair table that mostly misses the core's
//! cache. Archives repeat their word pairs (in 574 KB of law text, three token pairs in four were
//! seen before), and a word's candidate list is the same wherever it occurs, so the costs between
//! two lists are worth keeping: the next time the same two lists meet, their costs are one copy
//! of a small contiguous block. A list is named by the syllable ids of its candidates (interned
//! to a number); only pairs of two syllables are kept, whose cost depends on nothing but the
//! model. The cache belongs to one model at a time (see [`PairCache::bind`]) and is emptied when
//! it grows past its bound: it only saves work, it never changes a result.

use crate::model::FxMap;

/// Pair costs the cache holds before it is emptied (8 bytes each: 16 MB).
const MAX_ENTRIES: usize = 1 << 21;
/// Candidate lists the cache names before it is emptied.
const MAX_LISTS: usize = 1 << 17;
/// The id that stands for a candidate outside the model in a list's name.
const NO_ID: u32 = u32::MAX;

/// Blocks of pair costs between candidate lists (see the module documentation).
#[derive(Debug, Default)]
pub struct PairCache {
    /// The model the costs come from ([`crate::model::Model::uid`]).
    owner: u64,
    /// Candidate ids of a list → the list's number.
    lists: FxMap<Box<[u32]>, u32>,
    /// Length of each numbered list.
    lens: Vec<u32>,
    /// (list before, list after) → start of its block in `cost` and `ctx`.
    blocks: FxMap<u64, u32>,
    /// Per pair: the cost, or the caller's "not looked up" value.
    cost: Vec<i32>,
    /// Per pair: the caller's second value (the triple back-off).
    ctx: Vec<u32>,
    /// Scratch: the ids of a list being named.
    key: Vec<u32>,
}

impl PairCache {
    /// Makes the cache hold costs of model `uid`, emptying it when it held another model's.
    pub fn bind(&mut self, uid: u64) {
        if self.owner != uid {
            self.clear();
            self.owner = uid;
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.lists.clear();
        self.lens.clear();
        self.clear_blocks();
    }

    fn clear_blocks(&mut self) {
        self.blocks.clear();
        self.cost.clear();
        self.ctx.clear();
    }

    /// The number of the candidate list whose syllable ids are `ids` (`None` for a candidate
    /// outside the model).
    pub fn name(&mut self, ids: impl Iterator<Item = Option<u32>>) -> u32 {
        self.key.clear();
        self.key.extend(ids.map(|i| i.unwrap_or(NO_ID)));
        if let Some(&n) = self.lists.get(self.key.as_slice()) {
            return n;
        }
        if self.lists.len() >= MAX_LISTS {
            self.clear();
        }
        let n = self.lens.len() as u32;
        self.lens.push(self.key.len() as u32);
        self.lists.insert(self.key.as_slice().into(), n);
        n
    }

    /// The block of list `a` before list `b` (row by row: `a`'s candidates, then `b`'s), when kept.
    pub fn get(&self, a: u32, b: u32) -> Option<(&[i32], &[u32])> {
        let start = *self.blocks.get(&key(a, b))? as usize;
        let n = self.size(a, b);
        Some((&self.cost[start..start + n], &self.ctx[start..start + n]))
    }

    /// Room for the block of list `a` before list `b`: the kept block to overwrite, or a new one
    /// filled with `unset` and `no_ctx`.
    pub fn put(&mut self, a: u32, b: u32, unset: i32, no_ctx: u32) -> (&mut [i32], &mut [u32]) {
        let n = self.size(a, b);
        let start = match self.blocks.get(&key(a, b)) {
            Some(&s) => s as usize,
            None => {
                if self.cost.len() + n > MAX_ENTRIES {
                    self.clear_blocks();
                }
                let s = self.cost.len();
                self.cost.resize(s + n, unset);
                self.ctx.resize(s + n, no_ctx);
                self.blocks.insert(key(a, b), s as u32);
                s
            }
        };
        (
            &mut self.cost[start..start + n],
            &mut self.ctx[start..start + n],
        )
    }

    fn size(&self, a: u32, b: u32) -> usize {
        self.lens[a as usize] as usize * self.lens[b as usize] as usize
    }
}

fn key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_kept_per_pair_of_lists_and_per_model() {
        let mut c = PairCache::default();
        c.bind(1);
        let a = c.name([Some(3), None].into_iter());
        let b = c.name([Some(5), Some(6), Some(7)].into_iter());
        assert_eq!(c.name([Some(3), None].into_iter()), a);
        assert_ne!(a, b);
        assert!(c.get(a, b).is_none());
        let (cost, ctx) = c.put(a, b, i32::MIN, u32::MAX);
        assert_eq!(cost.len(), 6);
        assert!(cost.iter().all(|&x| x == i32::MIN) && ctx.iter().all(|&x| x == u32::MAX));
        cost[4] = 17;
        ctx[4] = 2;
        let (cost, ctx) = c.get(a, b).expect("kept");
        assert_eq!((cost[4], ctx[4], cost[0]), (17, 2, i32::MIN));
        assert!(c.get(b, a).is_none(), "the order of the lists matters");
        c.bind(1);
        assert!(c.get(a, b).is_some(), "the same model keeps its blocks");
        c.bind(2);
        assert!(c.get(a, b).is_none(), "another model's costs are forgotten");
    }
}

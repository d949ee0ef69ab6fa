//! A trie of syllable skeletons (lowercase ASCII letters), the index candidate generation walks.
//!
//! Generation rewrites an OCR token left to right and must stop as soon as what it has written is
//! no prefix of any skeleton. With the trie that test is one array read per letter (no string is
//! built or hashed), and a node id stands for the whole prefix, so explored states are small
//! integers. Nodes are stored flat: 26 child slots (0 = none) plus a bit mask of the children
//! that exist, so the walk visits only real continuations.

/// The skeleton trie.
#[derive(Debug, Clone)]
pub struct Trie {
    kids: Vec<[u32; 26]>,
    mask: Vec<u32>,
    terminal: Vec<bool>,
    parent: Vec<(u32, u8)>,
}

impl Default for Trie {
    fn default() -> Trie {
        Trie {
            kids: vec![[0; 26]],
            mask: vec![0],
            terminal: vec![false],
            parent: vec![(0, 0)],
        }
    }
}

/// Slot of an ASCII lowercase letter; `None` for anything else.
#[inline]
fn slot(c: char) -> Option<usize> {
    c.is_ascii_lowercase().then(|| c as usize - 'a' as usize)
}

impl Trie {
    /// The root (the empty prefix).
    pub const ROOT: u32 = 0;

    /// Adds a skeleton; false (and nothing added) when it holds anything but `a`–`z` or is empty.
    pub fn insert(&mut self, skeleton: &str) -> bool {
        if skeleton.is_empty() || !skeleton.chars().all(|c| c.is_ascii_lowercase()) {
            return false;
        }
        let mut node = Self::ROOT;
        for c in skeleton.chars() {
            let Some(k) = slot(c) else { return false };
            let next = self.kids[node as usize][k];
            node = if next != 0 {
                next
            } else {
                let id = self.kids.len() as u32;
                self.kids.push([0; 26]);
                self.mask.push(0);
                self.terminal.push(false);
                self.parent.push((node, k as u8));
                self.kids[node as usize][k] = id;
                self.mask[node as usize] |= 1 << k;
                id
            };
        }
        self.terminal[node as usize] = true;
        true
    }

    /// The node after letter `c` from `node`.
    #[inline]
    pub fn child(&self, node: u32, c: char) -> Option<u32> {
        let k = slot(c)?;
        let n = self.kids[node as usize][k];
        (n != 0).then_some(n)
    }

    /// The node after the letters of `s` from `node` (`node` itself for an empty `s`).
    #[inline]
    pub fn follow(&self, mut node: u32, s: &str) -> Option<u32> {
        for c in s.chars() {
            node = self.child(node, c)?;
        }
        Some(node)
    }

    /// The children of `node`: (letter, node).
    #[inline]
    pub fn children(&self, node: u32) -> impl Iterator<Item = (char, u32)> + '_ {
        let kids = &self.kids[node as usize];
        let mut mask = self.mask[node as usize];
        std::iter::from_fn(move || {
            if mask == 0 {
                return None;
            }
            let k = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            Some(((b'a' + k as u8) as char, kids[k]))
        })
    }

    /// True when a whole skeleton ends at `node`.
    #[inline]
    pub fn is_terminal(&self, node: u32) -> bool {
        self.terminal[node as usize]
    }

    /// The prefix `node` stands for.
    pub fn spell(&self, mut node: u32) -> String {
        let mut rev = Vec::new();
        while node != Self::ROOT {
            let (p, k) = self.parent[node as usize];
            rev.push((b'a' + k) as char);
            node = p;
        }
        rev.iter().rev().collect()
    }

    /// Number of nodes (the root included).
    pub fn len(&self) -> usize {
        self.kids.len()
    }

    /// True when no skeleton has been added.
    pub fn is_empty(&self) -> bool {
        self.len() == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_follow_spell() {
        let mut t = Trie::default();
        assert!(t.insert("nguoi"));
        assert!(t.insert("ngu"));
        assert!(!t.insert("x1"));
        let n = t.follow(Trie::ROOT, "ngu").expect("prefix");
        assert!(t.is_terminal(n));
        assert_eq!(t.spell(n), "ngu");
        assert!(t.follow(Trie::ROOT, "ngo").is_none());
        let kids: Vec<char> = t.children(n).map(|(c, _)| c).collect();
        assert_eq!(kids, vec!['o']);
        let nn = t.follow(n, "oi").expect("word");
        assert_eq!(t.spell(nn), "nguoi");
        assert!(t.is_terminal(nn));
    }
}

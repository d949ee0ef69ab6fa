//! Words of the messages vanban prints: counts with the right plural (`1 document`, `2 documents`).
//! Vietnamese nouns do not change with number (`1 văn bản`, `2 văn bản`), so Vietnamese text passes
//! the same word for both.

/// `n` and the noun in the form for `n`: `count(1, "page", "pages")` is `1 page`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn plurals() {
        assert_eq!(super::count(0, "document", "documents"), "0 documents");
        assert_eq!(super::count(1, "document", "documents"), "1 document");
        assert_eq!(super::count(2, "page", "pages"), "2 pages");
    }
}

//! Escaping for the three contexts the pages write text into: HTML text and attributes, URL paths,
//! and JSON inside a `<script>` element.

/// Appends `s` to `out`, escaping `& < > " '` so that it is safe both as element text and as a
/// quoted attribute value.
pub(crate) fn html(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped as by [`html`], as a new string.
#[cfg(test)]
pub(crate) fn html_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    html(&mut out, s);
    out
}

/// Appends a relative path to `out` as a URL path: each `/`-separated segment percent-encoded
/// except for unreserved characters, so that `#`, `?`, `%` and spaces in file names survive.
pub(crate) fn url_path(out: &mut String, path: &str) {
    for (i, seg) in path.split(['/', '\\']).enumerate() {
        if i > 0 {
            out.push('/');
        }
        for b in seg.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
}

/// Serializes `v` as JSON that can sit inside a `<script>` element: every `<` (which can only
/// occur inside JSON strings) becomes `\u003c`, so no `</script>` or `<!--` can end the element.
pub(crate) fn script_json<T: serde::Serialize>(v: &T) -> String {
    // Serializing plain data structs with string keys cannot fail.
    let json = serde_json::to_string(v).unwrap_or_else(|_| "null".to_string());
    json.replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html_string(r#"a<b & "c" 'd'>"#),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
        assert_eq!(html_string("Hòa bình"), "Hòa bình");
    }

    #[test]
    fn url_path_keeps_slashes_and_encodes_the_rest() {
        let mut s = String::new();
        url_path(&mut s, "2023/kế hoạch #1?.review.html");
        assert_eq!(s, "2023/k%E1%BA%BF%20ho%E1%BA%A1ch%20%231%3F.review.html");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&vec!["</script><!--"]);
        assert!(!s.contains('<'));
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back, ["</script><!--"]);
    }
}

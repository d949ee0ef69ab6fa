//! Fuzz target: the restorer itself on any line — tokens split from the bytes on white space
//! (`restore_line_in_context` with the line before as context). It must return exactly one token per
//! input token, keep NFC, and never panic. Needs the compiled dictionary:
//! `VANBAN_DICT=dictionaries/vanban.dict` (loaded once per process).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use unicode_normalization::UnicodeNormalization;
use vanban_restore::Restorer;

fn restorer() -> &'static Restorer {
    static R: OnceLock<Restorer> = OnceLock::new();
    R.get_or_init(|| {
        let path = std::env::var_os("VANBAN_DICT").unwrap_or_else(|| "dictionaries/vanban.dict".into());
        Restorer::load(std::path::Path::new(&path)).expect("set VANBAN_DICT to the compiled dictionary")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).nfc().collect::<String>();
    let mut lines = text.split('\n');
    let before: Vec<&str> = lines.next().unwrap_or("").split_whitespace().take(8).collect();
    let line: Vec<&str> = lines.next().unwrap_or("").split_whitespace().take(48).collect();
    let tokens = restorer().restore_line_in_context(&before, &line, &[]);
    assert_eq!(tokens.len(), line.len(), "one token per input token");
    for t in &tokens {
        assert_eq!(t.text.nfc().collect::<String>(), t.text, "restored text must be NFC");
    }
});

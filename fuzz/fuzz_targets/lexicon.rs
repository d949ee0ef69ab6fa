//! Fuzz target: the `--lexicon` file (a clerk's confirmed words, one a line): read as the review
//! tools read it (`vanban_review::read_lexicon`), then given to the restorer, which restores a line
//! holding those words. Any file must give an error or a lexicon, never a panic. Needs
//! `VANBAN_DICT=dictionaries/vanban.dict`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("vanban-fuzz-lex-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("lexicon.txt");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(words) = vanban_review::read_lexicon(&path) else {
        return;
    };
    let dict = std::env::var_os("VANBAN_DICT").unwrap_or_else(|| "dictionaries/vanban.dict".into());
    let Ok(r) = vanban_restore::Restorer::load(std::path::Path::new(&dict)) else {
        panic!("set VANBAN_DICT to the compiled dictionary");
    };
    let line: Vec<String> = words.iter().take(16).cloned().collect();
    let r = r.with_user_lexicon(words);
    let tokens: Vec<&str> = line.iter().flat_map(|w| w.split_whitespace()).collect();
    assert_eq!(r.restore_line(&tokens).len(), tokens.len());
});

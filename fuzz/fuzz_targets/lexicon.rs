//! Fuzz target: the `--lexicon` file (a clerk's confirmed words, one a line): read as the review
//! tools read it (`vanban_review::read_lexicon`), then given to the restorer, which restores a line
//! holding those words. Any file must give an error or a lexicon, never a panic. Needs
//! `VANBAN_DICT=dictionaries/vanban.dict`.
//!
//! The dictionary is loaded once per process, not once per run (building the model took seconds a
//! run under the sanitizer: 100 runs in 10 minutes). Each run's words are added to that one
//! restorer, so the words of earlier runs stay in it; it is loaded afresh every [`RELOAD_EVERY`]
//! runs, which bounds what accumulates.
#![no_main]

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use vanban_restore::Restorer;

/// Runs sharing one loaded restorer before it is loaded again.
const RELOAD_EVERY: u32 = 2000;

/// The loaded restorer and the runs it has served.
static RESTORER: Mutex<Option<(Restorer, u32)>> = Mutex::new(None);

fn load() -> Restorer {
    let dict = std::env::var_os("VANBAN_DICT").unwrap_or_else(|| "dictionaries/vanban.dict".into());
    Restorer::load(std::path::Path::new(&dict)).expect("set VANBAN_DICT to the compiled dictionary")
}

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
    let mut slot = RESTORER.lock().unwrap_or_else(|e| e.into_inner());
    let (r, runs) = match slot.take() {
        Some((r, runs)) if runs < RELOAD_EVERY => (r, runs),
        _ => (load(), 0),
    };
    let line: Vec<String> = words.iter().take(16).cloned().collect();
    let r = r.with_user_lexicon(words);
    let tokens: Vec<&str> = line.iter().flat_map(|w| w.split_whitespace()).collect();
    assert_eq!(r.restore_line(&tokens).len(), tokens.len());
    *slot = Some((r, runs + 1));
});

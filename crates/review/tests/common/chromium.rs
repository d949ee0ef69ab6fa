//! Headless Chromium, started as the project's tests and bench command need it: no network, no
//! first-run work, a fresh profile, a time limit. `VANBAN_CHROMIUM` names the browser (default
//! `chromium`, the Debian package).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Opens `page` in headless Chromium with `extra` arguments (e.g. `--dump-dom`) and a fresh
/// profile under `dir`; returns its stdout. Panics when the browser cannot start or runs over 90 s.
pub fn run(dir: &Path, page: &Path, extra: &[&str]) -> String {
    let exe = std::env::var("VANBAN_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let profile = tempfile::tempdir_in(dir).expect("profile folder");
    let mut child = Command::new(&exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {exe} (Debian package chromium): {e}"));
    // Read stdout while waiting: a large DOM dump would fill the pipe and block the browser.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut buf);
        buf
    });
    let start = Instant::now();
    while child.try_wait().expect("waiting for chromium").is_none() {
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("{exe} did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    String::from_utf8_lossy(&reader.join().expect("stdout reader")).into_owned()
}

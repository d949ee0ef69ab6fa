//! Developer tool: `restore build DATA_DIR OUT`, `restore text DICT < in > out`, `restore eval REPO_ROOT`,
//! `restore cands DICT WORD..`, `restore lm DICT "s1 s2 .."`, `restore score GT HYP` (the metric, in Rust).

use std::io::Read;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("build") => {
            let n = vanban_restore::build_dictionary(Path::new(&args[2]), Path::new(&args[3]))?;
            eprintln!("wrote {} ({n} bytes)", args[3]);
        }
        Some("text") => {
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            print!("{}", r.restore_text(&s));
        }
        Some("cands") => {
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            for w in &args[3..] {
                println!("{w}: {:?}", r.candidates(w));
            }
        }
        Some("line") => {
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            let toks: Vec<&str> = args[3..].iter().map(String::as_str).collect();
            for t in r.restore_line(&toks) {
                println!("{t:?}");
            }
        }
        Some("lm") => {
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            for p in &args[3..] {
                let w: Vec<&str> = p.split(' ').collect();
                println!("{p}: {:?}", r.lm_cost(&w));
            }
        }
        Some("score") => {
            let gt = std::fs::read_to_string(&args[2])?;
            let hyp = std::fs::read_to_string(&args[3])?;
            let s = vanban_restore::score(&gt, &hyp);
            println!(
                "acc={:.4} errors={} tokens={}",
                s.accuracy(),
                s.errors,
                s.tokens
            );
        }
        Some("speed") => {
            // cold (first pass) and warm throughput over the given files, one core
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            let mut text = String::new();
            for f in &args[3..] {
                text.push_str(&std::fs::read_to_string(f)?);
                text.push('\n');
            }
            let lines: Vec<Vec<&str>> = text
                .lines()
                .map(|l| l.split_whitespace().collect())
                .collect();
            // CPU time of this thread (the machine may be shared): /proc/thread-self/schedstat
            let cpu = || -> f64 {
                std::fs::read_to_string("/proc/thread-self/schedstat")
                    .ok()
                    .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
                    .map_or(0.0, |ns| ns / 1e9)
            };
            // best of 5 passes each: cold (cache cleared before the pass), then warm
            for pass in ["cold", "warm"] {
                let mut best = (f64::MAX, f64::MAX);
                let mut n = 0;
                for _ in 0..5 {
                    if pass == "cold" {
                        r.clear_cache();
                    }
                    let (t0, c0) = (std::time::Instant::now(), cpu());
                    n = 0;
                    for i in 0..lines.len() {
                        let before = i.checked_sub(1).map_or(&[][..], |j| &lines[j][..]);
                        let after = lines.get(i + 1).map_or(&[][..], |l| &l[..]);
                        n += r.restore_line_in_context(before, &lines[i], after).len();
                    }
                    best.0 = best.0.min(t0.elapsed().as_secs_f64());
                    best.1 = best.1.min(cpu() - c0);
                }
                let (s, c) = best;
                println!(
                    "{pass}: {} bytes, {n} tokens in {:.1} ms ({:.1} ms CPU) = {:.0} KB/s ({:.0} KB/s CPU)",
                    text.len(),
                    s * 1e3,
                    c * 1e3,
                    text.len() as f64 / s / 1e3,
                    text.len() as f64 / c / 1e3
                );
            }
        }
        Some("dev") => {
            // the development set (tune here): restore dev DICT DIR
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            for row in vanban_restore::eval::eval_fixture_dir(&r, Path::new(&args[3]))? {
                println!(
                    "{:<22} {:>5} {:>7} {:>8.4} {:>9.4} {:>10.4}",
                    row.set.replace("eval", "dev"),
                    row.files,
                    row.raw.tokens,
                    row.raw.accuracy(),
                    row.restored.accuracy(),
                    row.unchanged
                );
            }
        }
        Some("eval") => {
            vanban_restore::run_eval(Path::new(&args[2]), &mut std::io::stdout())?;
        }
        _ => eprintln!("usage: restore build DATA OUT | text DICT | eval REPO_ROOT"),
    }
    Ok(())
}

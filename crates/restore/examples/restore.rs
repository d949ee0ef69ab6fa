//! Developer tool: `restore build DATA_DIR OUT`, `restore text DICT < in > out`, `restore eval REPO_ROOT`,
//! `restore cands DICT WORD..`, `restore lm DICT "s1 s2 .."`, `restore score GT HYP` (the metric, in Rust),
//! `restore speed DICT [ROOT]` (the three mixes, cold and warm, one core), `restore corpus DICT DIR [N]`
//! (one restorer over the bench corpus DIR, N times, for a profiler), `restore dump DICT FILES..`.

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
            // cold and warm throughput on the three mixes, one core: restore speed DICT [ROOT]
            let dict = std::fs::read(&args[2])?;
            let root = Path::new(args.get(3).map_or(".", String::as_str));
            let mut load = f64::MAX;
            for _ in 0..5 {
                let t0 = std::time::Instant::now();
                let r = vanban_restore::Restorer::from_bytes(&dict)?;
                load = load.min(t0.elapsed().as_secs_f64());
                drop(r);
            }
            println!("load: {:.1} ms (best of 5)", load * 1e3);
            for mix in vanban_restore::speed::mixes(root)? {
                let s = vanban_restore::speed::measure(&dict, &mix, 5)?;
                println!("{} ({} tokens)", s.line(), s.tokens);
            }
        }
        Some("corpus") => {
            // one restorer over the bench corpus (`make.py --bench DIR`), N times in a row on
            // fresh restorers (for a profiler): restore corpus DICT DIR [N]
            let dict = std::fs::read(&args[2])?;
            let mix = vanban_restore::speed::corpus(Path::new(&args[3]))?;
            for _ in 0..args.get(4).map_or(Ok(1), |n| n.parse::<usize>())? {
                println!(
                    "{}",
                    vanban_restore::speed::measure_corpus(&dict, &mix, 1)?.line()
                );
            }
        }
        Some("pages") => {
            // accuracy over a bench corpus (`make.py --bench DIR`), scored page by page (48 lines,
            // as rendered; whole laws are too long for the metric's quadratic alignment):
            // restore pages DICT DIR
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            let mut names: Vec<_> = std::fs::read_dir(&args[3])?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".eng.txt"))
                .collect();
            names.sort();
            let (mut raw, mut restored) = ((0, 0), (0, 0));
            for p in names {
                let gt_path = p.to_string_lossy().replace(".eng.txt", ".gt.txt");
                let (gt, eng) = (
                    std::fs::read_to_string(gt_path)?,
                    std::fs::read_to_string(&p)?,
                );
                let (gt, eng): (Vec<&str>, Vec<&str>) =
                    (gt.lines().collect(), eng.lines().collect());
                for (g, e) in gt.chunks(48).zip(eng.chunks(48)) {
                    let lines: Vec<Vec<&str>> =
                        e.iter().map(|l| l.split_whitespace().collect()).collect();
                    let out: Vec<String> = r
                        .restore_lines(&lines)
                        .iter()
                        .map(|l| {
                            l.iter()
                                .map(|t| t.text.as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect();
                    let g = g.join("\n");
                    for (acc, hyp) in [(&mut raw, e.join("\n")), (&mut restored, out.join("\n"))] {
                        let s = vanban_restore::score(&g, &hyp);
                        acc.0 += s.errors;
                        acc.1 += s.tokens;
                    }
                }
            }
            let acc = |(e, n): (usize, usize)| 1.0 - e as f64 / n.max(1) as f64;
            println!(
                "bench corpus pages: {} tokens, raw {:.4}, restored {:.4}",
                raw.1,
                acc(raw),
                acc(restored)
            );
        }
        Some("cold") => {
            // N cold passes over mix K (0 eng, 1 stripped, 2 correct), for a profiler:
            // restore cold DICT ROOT K N [warm|cleared]
            let dict = std::fs::read(&args[2])?;
            let mixes = vanban_restore::speed::mixes(Path::new(&args[3]))?;
            let mix = &mixes[args[4].parse::<usize>()?];
            let lines = mix.lines();
            // `warm` after N: one restorer for all passes; `cleared`: the same, its cache emptied
            // before each pass (cold passes without the loads, for a profile)
            let warm = vanban_restore::Restorer::from_bytes(&dict)?;
            for _ in 0..args[5].parse::<usize>()? {
                if args.get(6).is_some_and(|a| a == "warm") {
                    vanban_restore::speed::pass(&warm, &lines);
                } else if args.get(6).is_some_and(|a| a == "cleared") {
                    // cold without the load: the one restorer's candidate cache emptied
                    warm.clear_cache();
                    vanban_restore::speed::pass(&warm, &lines);
                } else {
                    let r = vanban_restore::Restorer::from_bytes(&dict)?;
                    vanban_restore::speed::pass(&r, &lines);
                }
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
        Some("dump") => {
            // every token's reading, confidence and alternatives over the given files, each read
            // as is, marks stripped and (for `.gt.txt`) as its first reading: `restore dump DICT
            // FILES..` (a change meant to keep results compares two dumps)
            let r = vanban_restore::Restorer::load(Path::new(&args[2]))?;
            for f in &args[3..] {
                let raw = std::fs::read_to_string(f)?;
                let plain = vanban_restore::eval::first_reading(&raw);
                let stripped = vanban_restore::text::strip_marks(&plain);
                for (kind, text) in [("as is", &raw), ("stripped", &stripped)] {
                    println!("== {f} ({kind})");
                    let lines: Vec<Vec<&str>> = text
                        .lines()
                        .map(|l| l.split_whitespace().collect())
                        .collect();
                    for line in r.restore_lines(&lines) {
                        for t in line {
                            println!(
                                "{}\t{}\t{:.4}\t{}",
                                t.raw,
                                t.text,
                                t.conf,
                                t.alternatives.join("|")
                            );
                        }
                    }
                }
            }
        }
        Some("eval") => {
            vanban_restore::run_eval(Path::new(&args[2]), &mut std::io::stdout())?;
        }
        _ => eprintln!("usage: restore build DATA OUT | text DICT | eval REPO_ROOT"),
    }
    Ok(())
}

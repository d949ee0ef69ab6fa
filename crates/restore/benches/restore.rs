//! Speed of restoration (bytes of text per second on one core) and of dictionary loading.
//!
//! Three realistic mixes: English-model OCR (the evaluation texts and seed 004: marks lost, letters
//! garbled), the same truths with every mark stripped, and the truths themselves (correct text).
//! Each is measured cold (the restorer's candidate cache emptied before every pass, so every word
//! is new to it, as on the first pass over an archive) and warm (second and later passes).

use criterion::{criterion_main, BatchSize, Criterion, Throughput};
use std::path::{Path, PathBuf};
use vanban_restore::Restorer;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of every file in `dir` whose name ends with `suffix`, in name order.
fn gather(dir: &Path, suffix: &str) -> String {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.retain(|p| p.to_string_lossy().ends_with(suffix));
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn bench(c: &mut Criterion) {
    let path = root().join("dictionaries/vanban.dict");
    if !path.is_file() {
        eprintln!(
            "{}: missing; build it first (`vanban dict build`)",
            path.display()
        );
        return;
    }
    c.bench_function("load dictionary", |b| {
        b.iter(|| Restorer::load(&path).expect("dictionary loads"))
    });
    let r = Restorer::load(&path).expect("dictionary loads");
    let eval = root().join("fixtures/eval");
    let seeds = root().join("../shared/seeds");
    let mut eng = gather(&eval, ".eng.txt");
    eng.push('\n');
    eng.push_str(
        &std::fs::read_to_string(seeds.join("004_e3e329324efb5d2f.txt")).unwrap_or_default(),
    );
    let truth = vanban_restore::eval::first_reading(&gather(&eval, ".gt.txt"));
    let stripped = vanban_restore::text::strip_marks(&truth);
    let mixes = [
        ("English-model OCR", eng),
        ("marks stripped", stripped),
        ("correct text", truth),
    ];
    for (name, text) in &mixes {
        if text.trim().is_empty() {
            eprintln!("{name}: no text under {}", eval.display());
            continue;
        }
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        // one core: the lines one after another, each with its neighbours as context (what
        // `restore_lines` and `restore_text` do, without their threads)
        let run = || {
            (0..lines.len())
                .map(|i| {
                    let before = i.checked_sub(1).map_or(&[][..], |j| &lines[j][..]);
                    let after = lines.get(i + 1).map_or(&[][..], |l| &l[..]);
                    r.restore_line_in_context(before, &lines[i], after).len()
                })
                .sum::<usize>()
        };
        let mut g = c.benchmark_group(format!("restore one core, {name}"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.sample_size(10);
        g.bench_function("cold", |b| {
            b.iter_batched(|| r.clear_cache(), |()| run(), BatchSize::PerIteration)
        });
        g.bench_function("warm", |b| {
            run();
            b.iter(run)
        });
        g.finish();
    }
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
use group::benches;
criterion_main!(benches);

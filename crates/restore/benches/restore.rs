//! Speed of restoration (bytes of text per second on one core) and of dictionary loading.
//!
//! The three mixes of [`vanban_restore::speed::mixes`]: English-model OCR (the evaluation texts
//! and seed 004: marks lost, letters garbled), the same truths with every mark stripped, and the
//! truths themselves (correct text). Each is measured cold (every pass on a restorer newly built
//! from the blob, so every word is new to it, as on the first pass over an archive) and warm
//! (second and later passes). Criterion measures wall time; `vanban eval` and the example
//! `restore speed` also give the CPU time of the measuring thread, which load on a shared machine
//! does not spoil. Last, when it has been made (`fixtures/eval/make.py --bench target/bench-eng`),
//! the realistic measure: one restorer over 574 KB of distinct English-model OCR.

use criterion::measurement::WallTime;
use criterion::{criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput};
use std::path::PathBuf;
use vanban_restore::{speed, Restorer};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bench(c: &mut Criterion) {
    let path = root().join("dictionaries/vanban.dict");
    let Ok(blob) = std::fs::read(&path) else {
        eprintln!(
            "{}: missing; build it first (`vanban dict build`)",
            path.display()
        );
        return;
    };
    c.bench_function("load dictionary", |b| {
        b.iter(|| Restorer::from_bytes(&blob).expect("dictionary loads"))
    });
    let mixes = match speed::mixes(&root()) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    for mix in &mixes {
        let lines = mix.lines();
        let mut g = c.benchmark_group(format!("restore one core, {}", mix.name));
        g.throughput(Throughput::Bytes(mix.text.len() as u64));
        g.sample_size(10);
        fresh_restorer_per_pass(&mut g, "cold", &blob, &lines);
        let r = Restorer::from_bytes(&blob).expect("dictionary loads");
        speed::pass(&r, &lines);
        g.bench_function("warm", |b| b.iter(|| speed::pass(&r, &lines)));
        g.finish();
    }
    // one restorer, loaded once, over the bench corpus (when `make.py --bench` has made it)
    let Ok(corpus) = speed::corpus(&root().join(vanban_restore::eval::BENCH_CORPUS)) else {
        eprintln!("no bench corpus: `python3 fixtures/eval/make.py --bench target/bench-eng`");
        return;
    };
    let lines = corpus.lines();
    let mut g = c.benchmark_group("restore one core, bench corpus");
    g.throughput(Throughput::Bytes(corpus.text.len() as u64));
    g.sample_size(10);
    fresh_restorer_per_pass(&mut g, "one restorer", &blob, &lines);
    g.finish();
}

/// A benchmark of passes over `lines`, each on a restorer newly built from `blob` (not timed).
fn fresh_restorer_per_pass(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    blob: &[u8],
    lines: &[Vec<&str>],
) {
    g.bench_function(name, |b| {
        b.iter_batched_ref(
            || Restorer::from_bytes(blob).expect("dictionary loads"),
            |r| speed::pass(r, lines),
            BatchSize::PerIteration,
        )
    });
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
use group::benches;
criterion_main!(benches);

//! Speed of restoration (MB of text per second on one core) and of dictionary loading.

use criterion::{criterion_main, Criterion, Throughput};
use std::path::PathBuf;

fn dict_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dictionaries/vanban.dict")
}

fn bench(c: &mut Criterion) {
    let path = dict_path();
    if !path.is_file() {
        eprintln!(
            "{}: missing; build it first (`vanban dict build`)",
            path.display()
        );
        return;
    }
    c.bench_function("load dictionary", |b| {
        b.iter(|| vanban_restore::Restorer::load(&path).expect("dictionary loads"))
    });
    let r = vanban_restore::Restorer::load(&path).expect("dictionary loads");
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let mut text = String::new();
    for name in ["004_e3e329324efb5d2f.txt", "004_e3e329324efb5d2f.gt.txt"] {
        text.push_str(&std::fs::read_to_string(seed.join(name)).unwrap_or_default());
    }
    if text.is_empty() {
        text = "Chi s0 hai long cia nguwoi dan, to chire (Sipas)\n".repeat(100);
    }
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let mut g = c.benchmark_group("restore one core");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("seed 004 OCR + truth", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += r.restore_line(l).len();
            }
            n
        })
    });
    g.finish();
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
use group::benches;
criterion_main!(benches);

//! Restoration speed: the three benchmark mixes and a one-core throughput measure.
//!
//! The mixes are realistic: English-model OCR (the evaluation texts' `.eng.txt` and seed 004:
//! marks lost, letters garbled), the same truths with every mark stripped, and the truths
//! themselves (correct text). A pass restores every line in turn on the calling thread, each line
//! with its neighbours as context (what [`Restorer::restore_text`] does, without its threads).
//! *Cold* passes each use a restorer freshly built from the blob (no candidate list or bigram
//! lookup kept from an earlier pass); *warm* passes repeat the text on one restorer. Time is taken
//! as wall time and as the CPU time of the measuring thread; the latter is not spoiled by other
//! work on a shared machine, so it is the honest figure of bytes per second per core.
//!
//! The mixes are small (23 KB), so "cold" counts every word as new and "warm" (the same text
//! again) is a best case. The realistic measure is [`measure_corpus`]: one restorer, loaded once
//! as `vanban ingest` loads it for a batch, restoring a corpus of distinct text several hundred
//! kilobytes long (made by `fixtures/eval/make.py --bench DIR`: English-model OCR of every
//! held-out law), its per-word caches filling as it goes.

use crate::eval::{first_reading, shared_dir};
use crate::text::strip_marks;
use crate::{RestoreError, Restorer};
use cpu_time::ThreadTime;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One benchmark text.
#[derive(Debug, Clone)]
pub struct Mix {
    /// Short name (`English-model OCR`, `marks stripped`, `correct text`).
    pub name: &'static str,
    /// The text.
    pub text: String,
}

impl Mix {
    /// The text's lines, each as its whitespace-separated tokens (what a pass restores).
    pub fn lines(&self) -> Vec<Vec<&str>> {
        self.text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect()
    }
}

/// Best times of a kind of pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pass {
    /// Wall-clock time.
    pub wall: Duration,
    /// CPU time of the measuring thread.
    pub cpu: Duration,
}

impl Pass {
    /// Megabytes (10^6 bytes) per wall-clock second.
    pub fn wall_mbs(&self, bytes: usize) -> f64 {
        bytes as f64 / self.wall.as_secs_f64().max(1e-9) / 1e6
    }

    /// Megabytes (10^6 bytes) per CPU second of the measuring thread.
    pub fn cpu_mbs(&self, bytes: usize) -> f64 {
        bytes as f64 / self.cpu.as_secs_f64().max(1e-9) / 1e6
    }
}

/// The measure of one mix.
#[derive(Debug, Clone)]
pub struct Speed {
    /// The mix's name.
    pub name: &'static str,
    /// Bytes of text.
    pub bytes: usize,
    /// Tokens restored per pass.
    pub tokens: usize,
    /// Best cold pass.
    pub cold: Pass,
    /// Best warm pass.
    pub warm: Pass,
}

impl Speed {
    /// One line of report: `cold` and `warm` in MB/s of CPU time and of wall time.
    pub fn line(&self) -> String {
        format!(
            "speed {:<18} {:>6} B  cold {:.2} MB/s CPU ({:.2} wall)  warm {:.2} MB/s CPU ({:.2} wall)  one core",
            self.name,
            self.bytes,
            self.cold.cpu_mbs(self.bytes),
            self.cold.wall_mbs(self.bytes),
            self.warm.cpu_mbs(self.bytes),
            self.warm.wall_mbs(self.bytes),
        )
    }
}

fn read(p: &Path) -> Result<String, RestoreError> {
    std::fs::read_to_string(p).map_err(|e| RestoreError::io(p, e))
}

/// The text of every file in `dir` whose name ends with `suffix`, in name order, one after another.
fn gather(dir: &Path, suffix: &str) -> Result<String, RestoreError> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| RestoreError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    names.sort();
    let mut out = String::new();
    for p in names {
        out.push_str(&read(&p)?);
        out.push('\n');
    }
    Ok(out)
}

/// The three mixes from `fixtures/eval/` under `repo_root` and seed 004 from the shared folder
/// (left out when that folder is not there).
pub fn mixes(repo_root: &Path) -> Result<Vec<Mix>, RestoreError> {
    let eval = repo_root.join("fixtures/eval");
    let mut eng = gather(&eval, ".eng.txt")?;
    if let Some(shared) = shared_dir(repo_root) {
        let seed = shared.join("seeds/004_e3e329324efb5d2f.txt");
        if seed.is_file() {
            eng.push_str(&read(&seed)?);
        }
    }
    let truth = first_reading(&gather(&eval, ".gt.txt")?);
    let stripped = strip_marks(&truth);
    if eng.trim().is_empty() || truth.trim().is_empty() {
        return Err(RestoreError::Eval {
            path: eval,
            cause: "no `.eng.txt` or `.gt.txt` texts to measure speed on".into(),
        });
    }
    Ok(vec![
        Mix {
            name: "English-model OCR",
            text: eng,
        },
        Mix {
            name: "marks stripped",
            text: stripped,
        },
        Mix {
            name: "correct text",
            text: truth,
        },
    ])
}

/// The English-model OCR of a bench corpus: every `*.eng.txt` of `dir`, in name order.
pub fn corpus(dir: &Path) -> Result<Mix, RestoreError> {
    let text = gather(dir, ".eng.txt")?;
    if text.trim().is_empty() {
        return Err(RestoreError::Eval {
            path: dir.to_path_buf(),
            cause: "no `.eng.txt` text to measure speed on (make it with \
                    `python3 fixtures/eval/make.py --bench DIR`)"
                .into(),
        });
    }
    Ok(Mix {
        name: "bench corpus",
        text,
    })
}

/// One restorer over a whole corpus: what loading it and one pass over the text took.
#[derive(Debug, Clone)]
pub struct Stream {
    /// Bytes of text.
    pub bytes: usize,
    /// Tokens restored.
    pub tokens: usize,
    /// Wall time of building the restorer from the blob bytes.
    pub load: Duration,
    /// The pass over the text.
    pub pass: Pass,
    /// Distinct words the restorer's candidate cache held at the end.
    pub words: usize,
    /// Passes measured (the times are the least of them).
    pub runs: usize,
}

impl Stream {
    /// One line of report.
    pub fn line(&self) -> String {
        format!(
            "speed {:<18} {:>7} B  {} tokens  load {:.0} ms  one restorer: {:.2} MB/s CPU ({:.2} wall, {:.2} s CPU)  {} words cached  one core, best of {}",
            "bench corpus",
            self.bytes,
            self.tokens,
            self.load.as_secs_f64() * 1e3,
            self.pass.cpu_mbs(self.bytes),
            self.pass.wall_mbs(self.bytes),
            self.pass.cpu.as_secs_f64(),
            self.words,
            self.runs,
        )
    }
}

/// One restorer, built once from the blob `dict`, restores all of `mix` on the calling thread,
/// line after line (as a batch of `vanban ingest` shares one restorer); the best of `runs` such
/// passes, each on a restorer newly built (the load and the two times are each the least seen:
/// other work on a shared machine only ever adds to them).
pub fn measure_corpus(dict: &[u8], mix: &Mix, runs: usize) -> Result<Stream, RestoreError> {
    let lines = mix.lines();
    let mut best: Option<Stream> = None;
    for _ in 0..runs.max(1) {
        let t0 = Instant::now();
        let r = Restorer::from_bytes(dict)?;
        let load = t0.elapsed();
        let (w0, c0) = (Instant::now(), ThreadTime::now());
        let tokens = pass(&r, &lines);
        let pass = Pass {
            wall: w0.elapsed(),
            cpu: c0.elapsed(),
        };
        let s = Stream {
            bytes: mix.text.len(),
            tokens,
            load,
            pass,
            words: r.cache.len(),
            runs: best.as_ref().map_or(1, |b| b.runs + 1),
        };
        best = Some(match best {
            None => s,
            Some(b) => Stream {
                load: b.load.min(s.load),
                pass: Pass {
                    wall: b.pass.wall.min(s.pass.wall),
                    cpu: b.pass.cpu.min(s.pass.cpu),
                },
                ..s
            },
        });
    }
    best.ok_or_else(|| RestoreError::Eval {
        path: PathBuf::from("<bench corpus>"),
        cause: "no pass measured".into(),
    })
}

/// One pass over `lines` on the calling thread; returns the tokens restored.
pub fn pass(r: &Restorer, lines: &[Vec<&str>]) -> usize {
    (0..lines.len())
        .map(|i| {
            let before = i.checked_sub(1).map_or(&[][..], |j| &lines[j][..]);
            let after = lines.get(i + 1).map_or(&[][..], |l| &l[..]);
            r.restore_line_in_context(before, &lines[i], after).len()
        })
        .sum()
}

/// Measures `mix` with the dictionary blob `dict`: the best of `runs` cold passes (each on a
/// restorer newly built from the blob) and of `runs` warm ones (on one restorer, after a first
/// pass).
pub fn measure(dict: &[u8], mix: &Mix, runs: usize) -> Result<Speed, RestoreError> {
    let lines = mix.lines();
    let timed = |r: &Restorer| {
        let (w0, c0) = (Instant::now(), ThreadTime::now());
        let n = pass(r, &lines);
        (
            Pass {
                wall: w0.elapsed(),
                cpu: c0.elapsed(),
            },
            n,
        )
    };
    let best = |a: Option<Pass>, b: Pass| {
        Some(a.map_or(b, |a| Pass {
            wall: a.wall.min(b.wall),
            cpu: a.cpu.min(b.cpu),
        }))
    };
    let (mut cold, mut warm) = (None, None);
    let mut tokens = 0;
    for _ in 0..runs.max(1) {
        let r = Restorer::from_bytes(dict)?;
        let (p, n) = timed(&r);
        cold = best(cold, p);
        tokens = n;
    }
    let r = Restorer::from_bytes(dict)?;
    pass(&r, &lines);
    for _ in 0..runs.max(1) {
        warm = best(warm, timed(&r).0);
    }
    let zero = Pass {
        wall: Duration::ZERO,
        cpu: Duration::ZERO,
    };
    Ok(Speed {
        name: mix.name,
        bytes: mix.text.len(),
        tokens,
        cold: cold.unwrap_or(zero),
        warm: warm.unwrap_or(zero),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob() -> Vec<u8> {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        crate::compile(&data).expect("the test dictionary compiles")
    }

    #[test]
    fn measure_restores_every_token_and_reports_positive_rates() {
        let mix = Mix {
            name: "test",
            text: "Chi so hai long cua nguoi dan\n\nNgay 5 thang 3 nam 2024, ND-CP\n".repeat(20),
        };
        let s = measure(&blob(), &mix, 2).expect("measures");
        assert_eq!(s.bytes, mix.text.len());
        assert_eq!(s.tokens, mix.text.split_whitespace().count());
        for p in [s.cold, s.warm] {
            assert!(p.wall > Duration::ZERO && p.cpu > Duration::ZERO);
            assert!(p.cpu_mbs(s.bytes).is_finite() && p.cpu_mbs(s.bytes) > 0.0);
        }
        assert!(s.line().contains("test") && s.line().contains("MB/s CPU"));
    }

    #[test]
    fn one_restorer_streams_a_whole_corpus() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("a.eng.txt"), "Chi so hai long\n").expect("write");
        std::fs::write(dir.path().join("b.eng.txt"), "cua nguoi dan\n").expect("write");
        std::fs::write(dir.path().join("b.gt.txt"), "của người dân\n").expect("write");
        let mix = corpus(dir.path()).expect("corpus");
        assert_eq!(mix.text, "Chi so hai long\n\ncua nguoi dan\n\n");
        let s = measure_corpus(&blob(), &mix, 2).expect("measures");
        assert_eq!((s.bytes, s.tokens), (mix.text.len(), 7));
        assert!(s.words >= 7 && s.pass.cpu > Duration::ZERO && s.load > Duration::ZERO);
        assert!(s.line().contains("one restorer"), "{}", s.line());
        let empty = tempfile::tempdir().expect("temp dir");
        let e = corpus(empty.path()).expect_err("no text there");
        assert!(e.to_string().contains("make.py --bench"), "{e}");
    }

    #[test]
    fn mixes_name_the_folder_they_miss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = mixes(dir.path()).expect_err("no fixtures there");
        assert!(e.to_string().contains("fixtures/eval"), "{e}");
    }

    #[test]
    fn mixes_are_the_eval_texts_ocr_stripped_and_correct() {
        let dir = tempfile::tempdir().expect("temp dir");
        let eval = dir.path().join("fixtures/eval");
        std::fs::create_dir_all(&eval).expect("mkdir");
        std::fs::write(eval.join("a.gt.txt"), "Người {dân|dan}\n").expect("write");
        std::fs::write(eval.join("a.eng.txt"), "Nguoi dan\n").expect("write");
        let m = mixes(dir.path()).expect("mixes");
        assert_eq!(m.len(), 3);
        assert!(m[0].text.starts_with("Nguoi dan"));
        assert_eq!(m[1].text.trim(), "Nguoi dân".replace('â', "a"));
        assert_eq!(m[2].text.trim(), "Người dân");
    }
}

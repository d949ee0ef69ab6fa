//! Shards: one batch split over N processes (N machines over a shared folder, a Kubernetes Indexed
//! Job, a Slurm job array) with no coordinator. Every process discovers the same inputs and keeps
//! the ones whose output stem (the path relative to the input argument, the same on every machine)
//! hashes to its shard ([`Shard::owns`]); it writes its batch files under `<out>/shards/K-of-N/` and
//! locks only that folder, so shards run side by side while two runs of the same shard exclude each
//! other. `vanban merge` ([`crate::merge`]) joins the shards' files afterwards.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use sha2::Digest;

/// One of N shards of a batch; `index` counts from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 1 to `count`.
    pub index: u32,
    /// How many shards the batch is split into.
    pub count: u32,
}

/// What `--shard` takes: `K/N` or `auto` (from the batch engine's environment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShardArg {
    /// `--shard K/N`.
    Fixed(Shard),
    /// `--shard auto`.
    Auto,
}

impl std::str::FromStr for ShardArg {
    type Err = String;

    /// `K/N` with 1 ≤ K ≤ N, or `auto`.
    fn from_str(s: &str) -> Result<ShardArg, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(ShardArg::Auto);
        }
        let bad = || format!("{s:?}: expected K/N (shard K of N, 1 ≤ K ≤ N, e.g. 2/8) or auto");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(ShardArg::Fixed(Shard { index, count }))
    }
}

impl ShardArg {
    /// The shard, reading the environment for `auto`.
    pub fn resolve(&self) -> Result<Shard> {
        match self {
            ShardArg::Fixed(s) => Ok(*s),
            ShardArg::Auto => from_env(&|k| std::env::var(k).ok()),
        }
    }
}

/// The shard a batch engine gives this process: a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`,
/// from 0, and `JOB_COMPLETIONS`, which Kubernetes does not set: the Job's manifest sets it to
/// `spec.completions`) or a Slurm job array (`SLURM_ARRAY_TASK_ID` counted from
/// `SLURM_ARRAY_TASK_MIN` in steps of `SLURM_ARRAY_TASK_STEP`, `SLURM_ARRAY_TASK_COUNT`).
pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
    let num = |k: &str| -> Result<Option<u32>> {
        match var(k) {
            None => Ok(None),
            Some(v) => match v.trim().parse() {
                Ok(n) => Ok(Some(n)),
                Err(_) => bail!("--shard auto: {k}={v:?} is not a whole number"),
            },
        }
    };
    let make = |index0: u32, count: u32, from: &str| -> Result<Shard> {
        if count == 0 || index0 >= count {
            bail!(
                "--shard auto: {from} gives shard {} of {count}, which does not exist",
                index0 + 1
            );
        }
        Ok(Shard {
            index: index0 + 1,
            count,
        })
    };
    if let Some(i) = num("JOB_COMPLETION_INDEX")? {
        let Some(n) = num("JOB_COMPLETIONS")? else {
            bail!(
                "--shard auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; Kubernetes does \
                 not set it: add it to the Job's container env with the value of spec.completions \
                 (see deploy/kubernetes-job.yaml), or use --shard K/N"
            );
        };
        return make(i, n, "JOB_COMPLETION_INDEX/JOB_COMPLETIONS");
    }
    if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
        let Some(n) = num("SLURM_ARRAY_TASK_COUNT")? else {
            bail!("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
        };
        let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        if id < min || (id - min) % step != 0 {
            bail!(
                "--shard auto: SLURM_ARRAY_TASK_ID={id} is not in the array (from {min} by {step})"
            );
        }
        return make(
            (id - min) / step,
            n,
            "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT",
        );
    }
    bail!(
        "--shard auto: no batch engine found: set JOB_COMPLETION_INDEX and JOB_COMPLETIONS (Kubernetes \
         Indexed Job) or run in a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT), or use --shard K/N"
    )
}

impl Shard {
    /// Whether this shard converts the input with this output stem (`/`-separated path relative to
    /// `--out`, i.e. relative to its input argument): the first 8 bytes of the stem's SHA-256, as a
    /// big-endian number, modulo N, plus one, is K. The same on every machine and in every order.
    pub fn owns(&self, stem: &Path) -> bool {
        self.owns_key(&stem.to_string_lossy().replace('\\', "/"))
    }

    /// [`Shard::owns`] for a key string.
    pub fn owns_key(&self, key: &str) -> bool {
        let h = sha2::Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) + 1 == u64::from(self.index)
    }

    /// The folder of this shard's batch files: `<out>/shards/K-of-N`.
    pub fn dir(&self, out: &Path) -> PathBuf {
        out.join(SHARDS_DIR).join(self.name())
    }

    /// `K-of-N`.
    pub fn name(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }

    /// Parses a shard folder's name, `K-of-N`.
    pub fn parse_name(name: &str) -> Option<Shard> {
        let (k, n) = name.split_once("-of-")?;
        let (index, count) = (k.parse().ok()?, n.parse().ok()?);
        (index >= 1 && index <= count).then_some(Shard { index, count })
    }
}

/// Folder under `--out` holding the shards' batch files.
pub const SHARDS_DIR: &str = "shards";

/// Reads `--files-from`: one path a line (`-`: standard input); blank lines are skipped, a line's
/// end (`\r\n` too) is not part of the path, other white space is.
pub fn read_file_list(list: &Path) -> Result<Vec<PathBuf>> {
    use std::io::Read;
    let mut text = String::new();
    let shown = vanban_input::shown(list);
    let read = if list == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(list).and_then(|mut f| f.read_to_string(&mut text))
    };
    if let Err(e) = read {
        bail!("{shown}: cannot read the file list: {e}");
    }
    Ok(text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!(
            "2/3".parse::<ShardArg>(),
            Ok(ShardArg::Fixed(Shard { index: 2, count: 3 }))
        );
        assert_eq!("AUTO".parse::<ShardArg>(), Ok(ShardArg::Auto));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<ShardArg>().is_err(), "{bad}");
        }
    }

    #[test]
    fn kubernetes_and_slurm_environments() {
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "4")]);
        assert_eq!(from_env(&k8s).unwrap(), Shard { index: 1, count: 4 });
        let k8s_no_count = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert!(from_env(&k8s_no_count)
            .unwrap_err()
            .to_string()
            .contains("JOB_COMPLETIONS"));
        // `sbatch --array=1-3`: ids 1, 2, 3.
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        assert_eq!(from_env(&slurm).unwrap(), Shard { index: 3, count: 3 });
        // `--array=0-8:4`: ids 0, 4, 8.
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_STEP", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        assert_eq!(from_env(&stepped).unwrap(), Shard { index: 2, count: 3 });
        assert!(from_env(&env(&[])).is_err());
    }

    #[test]
    fn every_stem_has_exactly_one_shard() {
        for n in 1..6u32 {
            for i in 0..200 {
                let stem = format!("2024/quyet-dinh-{i}");
                let owners = (1..=n)
                    .filter(|&k| Shard { index: k, count: n }.owns(Path::new(&stem)))
                    .count();
                assert_eq!(owners, 1);
            }
        }
        // Spread: of 200 stems, each of 4 shards gets a fair part.
        let part = |k| {
            (0..200)
                .filter(|i| Shard { index: k, count: 4 }.owns_key(&format!("doc-{i}")))
                .count()
        };
        assert!((1..=4).all(|k| (30..=70).contains(&part(k))));
    }

    #[test]
    fn shard_folder_names_round_trip() {
        let s = Shard { index: 2, count: 5 };
        assert_eq!(Shard::parse_name(&s.name()), Some(s));
        assert_eq!(Shard::parse_name("0-of-2"), None);
    }
}

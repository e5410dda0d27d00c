//! Slurm-style job arrays: `--shard K/N` aligns the K-th of N contiguous slices of the pairs
//! a corpus yields, and [`join`] puts the N reports (and the merged TM) back together.
//!
//! Every shard discovers the whole corpus (discovery is deterministic: pairs are sorted) and
//! learns the corpus lexicon over all of it, so all shards align with the same lexicon and
//! their outputs are those of one unsharded run. A shard keeps each pair's part (see
//! `merge`) beside its output, so the joined merged TM is built from them without aligning
//! anything again.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::merge::Merger;
use super::report::{totals, write_json, BatchReport, PairRecord, RunStatus, Status};
use super::{BatchJob, PairSpec, REPORT_FILE};
use crate::error::{Error, Result};

/// The K-th (1-based) of N slices of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Shard `index` of `count` (1 ≤ index ≤ count).
    pub fn new(index: usize, count: usize) -> Result<Shard> {
        if count == 0 || index == 0 || index > count {
            return Err(Error::msg(format!(
                "shard {index}/{count}: give K/N with 1 <= K <= N"
            )));
        }
        Ok(Shard { index, count })
    }

    /// The pairs of this shard among `n`: a contiguous slice, so shards joined in order are
    /// the pairs in corpus order; sizes differ by at most one.
    pub fn range(&self, n: usize) -> Range<usize> {
        (self.index - 1) * n / self.count..self.index * n / self.count
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = Error;

    fn from_str(s: &str) -> Result<Shard> {
        let parse = |x: &str| x.trim().parse::<usize>().ok();
        match s.split_once('/').map(|(k, n)| (parse(k), parse(n))) {
            Some((Some(k), Some(n))) => Shard::new(k, n),
            _ => Err(Error::msg(format!("shard '{s}': expected K/N, e.g. 3/10"))),
        }
    }
}

/// Joins the reports of the shards written to `dirs` (in any order) into
/// `job.out_dir/report.json`, and writes `job.merge` from their parts when given. Refuses
/// shards that are missing, repeated, of different splits, or not complete.
pub fn join(dirs: &[PathBuf], job: &BatchJob) -> Result<BatchReport> {
    let mut shards = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let path = dir.join(REPORT_FILE);
        let bytes = std::fs::read(&path).map_err(|e| Error::from(e).with_path(&path))?;
        let report: BatchReport = serde_json::from_slice(&bytes)
            .map_err(|e| Error::msg(format!("unreadable report: {e}")).with_path(&path))?;
        let Some(shard) = report.shard else {
            return Err(Error::msg("not the report of a --shard run").with_path(&path));
        };
        if report.status != RunStatus::Complete {
            return Err(Error::msg(format!(
                "shard {shard} did not complete: run it again with --resume"
            ))
            .with_path(&path));
        }
        shards.push((shard, dir.clone(), report));
    }
    check_cover(&mut shards)?;
    let mut joined = shards
        .first()
        .map(|(_, _, r)| r.clone())
        .ok_or_else(|| Error::msg("no shard to join"))?;
    joined.out_dir = job.out_dir.clone();
    joined.shard = None;
    joined.merge = None;
    joined.pairs = Vec::new();
    joined.planned = 0;
    let (mut seconds, mut journal) = (0.0, 0.0);
    for (_, dir, report) in &shards {
        if report.format != joined.format {
            return Err(Error::msg(format!(
                "shards written as {} and {}",
                joined.format, report.format
            ))
            .with_path(dir));
        }
        joined.planned += report.planned;
        seconds += report.totals.seconds;
        journal += report.totals.journal_seconds;
        joined
            .pairs
            .extend(report.pairs.iter().map(|p| relocated(p, dir, job)));
    }
    joined.totals = totals(&joined.pairs, seconds);
    joined.totals.journal_seconds = journal;
    if let Some(path) = &job.merge {
        let mut merger = Merger::new(job, path);
        for (_, dir, report) in &shards {
            for p in report.pairs.iter().filter(|p| p.status != Status::Error) {
                merger.add_part(&spec(p), dir);
            }
        }
        joined.merge = Some(merger.finish().0);
    }
    std::fs::create_dir_all(&job.out_dir).map_err(|e| Error::from(e).with_path(&job.out_dir))?;
    write_json(&job.out_dir.join(REPORT_FILE), &joined)?;
    Ok(joined)
}

/// Sorts the shards and checks they are 1..N of one split, each once.
fn check_cover(shards: &mut [(Shard, PathBuf, BatchReport)]) -> Result<()> {
    shards.sort_by_key(|(s, _, _)| s.index);
    let Some(&(first, _, _)) = shards.first() else {
        return Err(Error::msg("no shard to join"));
    };
    let count = first.count;
    if let Some((s, dir, _)) = shards.iter().find(|(s, _, _)| s.count != count) {
        return Err(
            Error::msg(format!("shard {s} is not of the split of shard {first}")).with_path(dir),
        );
    }
    if let Some(w) = shards.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::msg(format!("shard {} given twice", w[0].0)).with_path(&w[1].1));
    }
    let missing: Vec<String> = (1..=count)
        .filter(|&k| !shards.iter().any(|(s, _, _)| s.index == k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::msg(format!(
            "{} of {count} shards given: missing {}",
            shards.len(),
            missing.join(", ")
        )));
    }
    Ok(())
}

/// A shard's record with its outputs named from the joined report's folder.
fn relocated(p: &PairRecord, dir: &Path, job: &BatchJob) -> PairRecord {
    let mut p = p.clone();
    for o in &mut p.outputs {
        let full = dir.join(&*o);
        *o = full
            .strip_prefix(&job.out_dir)
            .map(Path::to_path_buf)
            .unwrap_or(full);
    }
    p
}

/// The pair a record describes (what the merged TM needs of it).
fn spec(p: &PairRecord) -> PairSpec {
    PairSpec {
        id: p.id.clone(),
        src: p.src.path.clone(),
        tgt: p.tgt.path.clone(),
        src_lang: p.src.lang.clone(),
        tgt_lang: p.tgt.lang.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_pair_once_in_order() {
        for n in [0, 1, 2, 7, 100, 101] {
            for count in 1..=8 {
                let mut next = 0;
                for index in 1..=count {
                    let r = Shard::new(index, count).unwrap().range(n);
                    assert_eq!(r.start, next, "{index}/{count} of {n}");
                    assert!(r.len() <= n / count + 1);
                    next = r.end;
                }
                assert_eq!(next, n);
            }
        }
    }

    #[test]
    fn a_shard_is_parsed_from_k_slash_n_and_checked() {
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}

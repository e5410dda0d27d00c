//! What a batch run did, pair by pair: the records of `report.json` and how they are made.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Deserialize, Serialize, Serializer};

use super::{BatchJob, PairSpec};
use crate::bitext::AlignedPair;
use crate::error::{Error, Result};
use crate::export::{self, ExportOptions, Format};
use crate::output;
use crate::pipeline::{self, PairReport};

/// What happened to a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Error,
    /// Up to date (`resume`): the output was not rewritten.
    Skipped,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Every pair was taken.
    #[default]
    Complete,
    /// Stopped on request (Ctrl-C, SIGTERM) or because the journal could not be written.
    Interrupted,
    /// Stopped because a write found the disk full.
    DiskFull,
    /// Still going: the report as rewritten during a run (or left by a killed one).
    Running,
}

/// One side of a pair in the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SideRecord {
    pub path: PathBuf,
    pub lang: Option<String>,
    pub lang_detected: bool,
    pub encoding: Option<String>,
    pub sentences: usize,
    pub dropped_controls: usize,
}

/// One pair in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairRecord {
    pub id: String,
    pub status: Status,
    /// One line, naming the pair and file.
    pub error: Option<String>,
    pub src: SideRecord,
    pub tgt: SideRecord,
    /// Output files, relative to the output folder (two for Moses).
    pub outputs: Vec<PathBuf>,
    /// Beads of the alignment, and how many of them are 1-0 or 0-1.
    pub beads: usize,
    pub one_sided_beads: usize,
    /// Beads the output holds (after the filter and the one-sided rule of the format).
    pub units: usize,
    pub mean_score: f64,
    pub seconds: f64,
    /// The aligner's warnings (a search made coarser by the memory cap).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The merged TM in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub path: PathBuf,
    pub status: Status,
    pub error: Option<String>,
    pub pairs: usize,
    pub units: usize,
}

/// Sums over all pairs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub pairs: usize,
    pub ok: usize,
    pub failed: usize,
    pub skipped: usize,
    pub src_sentences: usize,
    pub tgt_sentences: usize,
    pub beads: usize,
    pub one_sided_beads: usize,
    pub units: usize,
    /// Wall-clock time of the run.
    pub seconds: f64,
    /// Worker time spent on the resume bookkeeping of the pairs written (digests of their
    /// outputs, journal lines), summed over the workers; `seconds` of `pairs` is the rest.
    #[serde(default)]
    pub journal_seconds: f64,
}

/// What a batch run did: also written as `OUT/report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    pub tool_version: String,
    pub source: PathBuf,
    pub out_dir: PathBuf,
    pub format: String,
    /// Whether every pair was taken; when not, `pairs` holds those that were.
    #[serde(default)]
    pub status: RunStatus,
    /// What stopped the run early (the failed write, one line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<String>,
    /// The slice of the corpus this run aligned (`--shard K/N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<super::Shard>,
    /// The pairs the run found (`pairs` holds fewer when it stopped early).
    #[serde(default)]
    pub planned: usize,
    pub pairs: Vec<PairRecord>,
    pub unpaired: Vec<PathBuf>,
    pub merge: Option<MergeRecord>,
    pub totals: Totals,
    /// The sentence encoder of the meaning signal (`--embed`), when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoder: Option<EncoderRecord>,
}

/// Which model gave the sentence vectors: its name and the SHA-256 of its file(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderRecord {
    pub name: String,
    pub digest: String,
    pub scope: String,
}

impl EncoderRecord {
    pub fn of(emb: &crate::align::meaning::Embeddings) -> Self {
        EncoderRecord {
            name: emb.name().to_string(),
            digest: emb.digest().to_string(),
            scope: format!("{:?}", emb.scope).to_lowercase(),
        }
    }
}

impl BatchReport {
    /// The pairs that failed.
    pub fn failed(&self) -> impl Iterator<Item = &PairRecord> {
        self.pairs.iter().filter(|p| p.status == Status::Error)
    }
}

pub(super) fn record(
    spec: &PairSpec,
    report: &PairReport,
    one_sided_beads: usize,
    kept: &AlignedPair,
    job: &BatchJob,
    path: &Path,
) -> PairRecord {
    let side = |path: &Path, r: &pipeline::SideReport| SideRecord {
        path: path.to_path_buf(),
        lang: Some(r.lang.clone()),
        lang_detected: r.lang_detected,
        encoding: Some(r.encoding.clone()),
        sentences: r.sentences,
        dropped_controls: r.dropped_controls,
    };
    let one_sided = job.export.one_sided_for(job.format);
    let outputs = outputs(job.format, path, kept, &job.export)
        .into_iter()
        .map(|p| {
            p.strip_prefix(&job.out_dir)
                .map(Path::to_path_buf)
                .unwrap_or(p)
        })
        .collect();
    PairRecord {
        id: spec.id.clone(),
        status: Status::Ok,
        error: None,
        src: side(&spec.src, &report.src),
        tgt: side(&spec.tgt, &report.tgt),
        outputs,
        beads: report.beads,
        one_sided_beads,
        units: kept
            .beads
            .iter()
            .filter(|b| one_sided || !b.is_one_sided())
            .count(),
        mean_score: report.mean_score,
        seconds: 0.0,
        warnings: report.warnings.clone(),
    }
}

/// The files written for a pair at `path`.
pub(super) fn outputs(
    format: Format,
    path: &Path,
    pair: &AlignedPair,
    opts: &ExportOptions,
) -> Vec<PathBuf> {
    if format != Format::Moses {
        return vec![path.to_path_buf()];
    }
    let src = opts.src_tag_for(pair, "und");
    let tgt = opts.tgt_tag_for(pair, "und");
    match export::moses::file_paths(path, &src, &tgt) {
        Ok((a, b)) => vec![a, b],
        Err(_) => Vec::new(),
    }
}

/// A record for a pair that failed.
pub(super) fn failed(spec: &PairSpec, e: Error) -> PairRecord {
    let side = |p: &Path, lang: &Option<String>| SideRecord {
        path: p.to_path_buf(),
        lang: lang.clone(),
        ..SideRecord::default()
    };
    PairRecord {
        id: spec.id.clone(),
        status: Status::Error,
        error: Some(e.with_pair(&spec.id).to_string()),
        src: side(&spec.src, &spec.src_lang),
        tgt: side(&spec.tgt, &spec.tgt_lang),
        outputs: Vec::new(),
        beads: 0,
        one_sided_beads: 0,
        units: 0,
        mean_score: 0.0,
        seconds: 0.0,
        warnings: Vec::new(),
    }
}

pub(super) fn totals(records: &[PairRecord], seconds: f64) -> Totals {
    let mut t = Totals {
        seconds,
        ..Totals::default()
    };
    records.iter().for_each(|r| t.add(r));
    t
}

impl Totals {
    /// Counts one more pair.
    fn add(&mut self, r: &PairRecord) {
        self.pairs += 1;
        match r.status {
            Status::Ok => self.ok += 1,
            Status::Error => self.failed += 1,
            Status::Skipped => self.skipped += 1,
        }
        self.src_sentences += r.src.sentences;
        self.tgt_sentences += r.tgt.sentences;
        self.beads += r.beads;
        self.one_sided_beads += r.one_sided_beads;
        self.units += r.units;
    }
}

/// Name of the file the records of a run are spooled to (hidden: it is bookkeeping).
pub const RECORDS_FILE: &str = ".bitalign-records";

/// The records of a run, appended (one JSON line each) to [`RECORDS_FILE`] as pairs finish,
/// so a run over a million pairs holds none of them in memory; `report.json` is written
/// from it. Keeps the running totals and the failed records (what the caller acts on).
pub(super) struct Spool {
    path: PathBuf,
    file: BufWriter<File>,
    pub(super) totals: Totals,
    pub(super) failed: Vec<PairRecord>,
}

impl Spool {
    pub(super) fn create(out_dir: &Path) -> Result<Spool> {
        let path = out_dir.join(RECORDS_FILE);
        let file = File::create(&path).map_err(|e| Error::from(e).with_path(&path))?;
        Ok(Spool {
            path,
            file: BufWriter::new(file),
            totals: Totals::default(),
            failed: Vec::new(),
        })
    }

    pub(super) fn push(&mut self, record: PairRecord) -> Result<()> {
        self.totals.add(&record);
        serde_json::to_writer(&mut self.file, &record)
            .map_err(|e| Error::msg(format!("cannot spool a record: {e}")))?;
        self.file
            .write_all(b"\n")
            .map_err(|e| Error::from(e).with_path(&self.path))?;
        if record.status == Status::Error {
            self.failed.push(record);
        }
        Ok(())
    }

    /// Writes `report` (whose `pairs` are left out) with the spooled records as its pairs.
    pub(super) fn write_report(&mut self, path: &Path, report: &BatchReport) -> Result<()> {
        self.file
            .flush()
            .map_err(|e| Error::from(e).with_path(&self.path))?;
        write_json(
            path,
            &Streamed {
                report,
                spool: &self.path,
            },
        )
    }

    /// Removes the spool once the final report holds its records.
    pub(super) fn remove(self) {
        drop(self.file);
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A [`BatchReport`] serialized with its pairs read from a spool: the same fields, in the
/// same order, as the derived `Serialize` (a test pins it).
struct Streamed<'a> {
    report: &'a BatchReport,
    spool: &'a Path,
}

impl Serialize for Streamed<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let r = self.report;
        let mut st = s.serialize_struct("BatchReport", 13)?;
        st.serialize_field("tool_version", &r.tool_version)?;
        st.serialize_field("source", &r.source)?;
        st.serialize_field("out_dir", &r.out_dir)?;
        st.serialize_field("format", &r.format)?;
        st.serialize_field("status", &r.status)?;
        match &r.stopped_by {
            Some(why) => st.serialize_field("stopped_by", why)?,
            None => st.skip_field("stopped_by")?,
        }
        match &r.shard {
            Some(shard) => st.serialize_field("shard", shard)?,
            None => st.skip_field("shard")?,
        }
        st.serialize_field("planned", &r.planned)?;
        st.serialize_field("pairs", &Spooled(self.spool))?;
        st.serialize_field("unpaired", &r.unpaired)?;
        st.serialize_field("merge", &r.merge)?;
        st.serialize_field("totals", &r.totals)?;
        match &r.encoder {
            Some(e) => st.serialize_field("encoder", e)?,
            None => st.skip_field("encoder")?,
        }
        st.end()
    }
}

/// The records of a spool, as a sequence.
struct Spooled<'a>(&'a Path);

impl Serialize for Spooled<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let file = File::open(self.0).map_err(S::Error::custom)?;
        let mut seq = s.serialize_seq(None)?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(S::Error::custom)?;
            let record: PairRecord = serde_json::from_str(&line).map_err(S::Error::custom)?;
            seq.serialize_element(&record)?;
        }
        seq.end()
    }
}

pub(super) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    output::write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value)
            .map_err(|e| Error::msg(format!("cannot write JSON: {e}")))?;
        w.write_all(b"\n")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, status: Status) -> PairRecord {
        PairRecord {
            id: id.into(),
            status,
            error: (status == Status::Error).then(|| "bad".to_string()),
            src: SideRecord::default(),
            tgt: SideRecord::default(),
            outputs: vec![PathBuf::from(format!("{id}.tmx"))],
            beads: 3,
            one_sided_beads: 1,
            units: 2,
            mean_score: 0.75,
            seconds: 0.5,
            warnings: vec!["w".into()],
        }
    }

    #[test]
    fn a_report_written_from_the_spool_is_the_derived_serialization() {
        let dir = tempfile::tempdir().unwrap();
        let records = vec![record("a", Status::Ok), record("b", Status::Error)];
        let mut spool = Spool::create(dir.path()).unwrap();
        records.iter().for_each(|r| spool.push(r.clone()).unwrap());
        for (stopped_by, shard) in [
            (None, None),
            (
                Some("x".to_string()),
                Some(super::super::Shard { index: 1, count: 2 }),
            ),
        ] {
            let mut report = BatchReport {
                tool_version: "v".into(),
                source: "in".into(),
                out_dir: "out".into(),
                format: "tmx".into(),
                status: RunStatus::Complete,
                stopped_by,
                shard,
                planned: 2,
                pairs: Vec::new(),
                unpaired: vec!["u".into()],
                merge: None,
                totals: totals(&records, 1.0),
                encoder: None,
            };
            assert_eq!(
                spool.totals,
                Totals {
                    seconds: 0.0,
                    ..report.totals.clone()
                }
            );
            let streamed = dir.path().join("streamed.json");
            spool.write_report(&streamed, &report).unwrap();
            report.pairs = records.clone();
            let derived = dir.path().join("derived.json");
            write_json(&derived, &report).unwrap();
            assert_eq!(
                std::fs::read_to_string(streamed).unwrap(),
                std::fs::read_to_string(derived).unwrap()
            );
        }
        assert_eq!(spool.failed, records[1..]);
    }
}

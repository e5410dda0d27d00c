//! The corpus-wide TM (`--merge`), built at the end of a run from the per-pair parts.
//!
//! Each pair written while merging also leaves its filtered alignment beside its output, as a
//! hidden part file (`OUT/ar/.ar-water.bitalign-part`, JSON). The merged TM is made from
//! the parts in pair order once every pair is done, written to a temporary file and renamed:
//! an interrupted run never leaves a half merged file, and `--resume` rebuilds it from the
//! parts of the pairs it skips, aligning none of them again.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::pivot::write_pivot;
use super::report::{outputs, MergeRecord, Status};
use serde::{Deserialize, Serialize};

use super::{BatchJob, PairSpec};
use crate::bitext::{AlignedPair, Bead};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::export::{self, moses::MosesSink, Format, Sink};
use crate::output::{self, AtomicFile};

/// Suffix of a part file.
const PART_SUFFIX: &str = ".bitalign-part";

/// A pair as saved in its part file (borrowed for writing).
#[derive(Serialize)]
struct PartRef<'a> {
    id: &'a str,
    src: &'a Document,
    tgt: &'a Document,
    beads: &'a [Bead],
}

/// A pair read back from its part file.
#[derive(Deserialize)]
struct Part {
    id: String,
    src: Document,
    tgt: Document,
    beads: Vec<Bead>,
}

/// The part file of pair `id`: hidden, beside where its output goes.
pub(super) fn part_path(out_dir: &Path, id: &str) -> PathBuf {
    let (dir, name) = id.rsplit_once('/').unwrap_or(("", id));
    out_dir.join(dir).join(format!(".{name}{PART_SUFFIX}"))
}

/// Saves the filtered alignment of a pair for the merged TM (atomically).
pub(super) fn write_part(path: &Path, pair: &AlignedPair) -> Result<()> {
    let part = PartRef {
        id: &pair.id,
        src: &pair.src,
        tgt: &pair.tgt,
        beads: &pair.beads,
    };
    output::write_atomic(path, |f| {
        let mut w = io::BufWriter::new(f);
        serde_json::to_writer(&mut w, &part)
            .map_err(|e| Error::msg(format!("cannot write a part: {e}")))?;
        w.flush()?;
        Ok(())
    })
}

/// Reads a part back.
pub(super) fn read_part(path: &Path) -> Result<AlignedPair> {
    let bytes = fs::read(path).map_err(|e| Error::from(e).with_path(path))?;
    let part: Part = serde_json::from_slice(&bytes)
        .map_err(|e| Error::msg(format!("unreadable part: {e}")).with_path(path))?;
    Ok(AlignedPair {
        id: part.id,
        src: part.src,
        tgt: part.tgt,
        beads: part.beads,
    })
}

/// A writer shared with a boxed sink, so the [`AtomicFile`] under it can be taken back and
/// committed once the sink has finished.
pub(super) struct Shared(Arc<Mutex<Option<AtomicFile>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        with_file(&self.0, |f| f.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        with_file(&self.0, |f| f.flush())
    }
}

pub(super) fn with_file<T>(
    cell: &Mutex<Option<AtomicFile>>,
    f: impl FnOnce(&mut AtomicFile) -> io::Result<T>,
) -> io::Result<T> {
    let mut guard = cell
        .lock()
        .map_err(|_| io::Error::other("merged output lock poisoned"))?;
    match guard.as_mut() {
        Some(file) => f(file),
        None => Err(io::Error::other("merged output already closed")),
    }
}

pub(super) enum MergeSink {
    /// Waiting for the first pair, whose languages make the header.
    Pending,
    Stream {
        sink: Box<dyn Sink + Send>,
        file: Arc<Mutex<Option<AtomicFile>>>,
    },
    Moses(Box<MosesSink<AtomicFile>>),
    /// Multilingual TMX: the pairs of each pivot document (by source path), written at the
    /// end.
    Pivot(Vec<(PathBuf, Vec<AlignedPair>)>),
    /// Failed: later pairs are ignored, the error is reported.
    Failed(Error),
}

/// The corpus-wide TM, fed pair by pair in pair order.
pub(super) struct Merger<'a> {
    job: &'a BatchJob,
    path: PathBuf,
    sink: MergeSink,
    seen: HashSet<(String, String)>,
    pairs: usize,
    units: usize,
}

impl<'a> Merger<'a> {
    pub(super) fn new(job: &'a BatchJob, path: &Path) -> Self {
        Merger {
            job,
            path: path.to_path_buf(),
            sink: match job.pivot {
                Some(_) => MergeSink::Pivot(Vec::new()),
                None => MergeSink::Pending,
            },
            seen: HashSet::new(),
            pairs: 0,
            units: 0,
        }
    }

    /// Adds a pair (already filtered, except for cross-pair dedup).
    pub(super) fn add(&mut self, spec: &PairSpec, pair: &AlignedPair) {
        if let MergeSink::Pivot(docs) = &mut self.sink {
            match docs.iter_mut().find(|(src, _)| *src == spec.src) {
                Some((_, pairs)) => pairs.push(pair.clone()),
                None => docs.push((spec.src.clone(), vec![pair.clone()])),
            }
            self.pairs += 1;
            return;
        }
        let deduped;
        let pair = if self.job.filter.dedup {
            deduped = self.job.filter.filtered(pair, &mut self.seen);
            &deduped
        } else {
            pair
        };
        if matches!(self.sink, MergeSink::Pending) {
            self.sink = match self.open(pair) {
                Ok(s) => s,
                Err(e) => MergeSink::Failed(e),
            };
        }
        let result = match &mut self.sink {
            MergeSink::Stream { sink, .. } => sink.write_pair(pair),
            MergeSink::Moses(sink) => sink.write_pair(pair),
            MergeSink::Pending | MergeSink::Pivot(_) | MergeSink::Failed(_) => return,
        };
        match result {
            Ok(()) => {
                let one_sided = self.job.export.one_sided_for(self.job.format);
                self.pairs += 1;
                self.units += pair
                    .beads
                    .iter()
                    .filter(|b| one_sided || !b.is_one_sided())
                    .count();
            }
            Err(e) => self.sink = MergeSink::Failed(e.with_pair(&pair.id)),
        }
    }

    /// Adds a pair from its part file; a part that cannot be read fails the merged TM.
    pub(super) fn add_part(&mut self, spec: &PairSpec, out_dir: &Path) {
        if matches!(self.sink, MergeSink::Failed(_)) {
            return;
        }
        match read_part(&part_path(out_dir, &spec.id)) {
            Ok(pair) => self.add(spec, &pair),
            Err(e) => self.sink = MergeSink::Failed(e.with_pair(&spec.id)),
        }
    }

    fn open(&self, first: &AlignedPair) -> Result<MergeSink> {
        let (job, path) = (self.job, &self.path);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| Error::from(e).with_path(parent))?;
        }
        let src = job.export.src_tag_for(first, "und");
        let tgt = job.export.tgt_tag_for(first, "und");
        if job.format == Format::Moses {
            let (a, b) =
                export::moses::file_paths(path, &src, &tgt).map_err(|e| e.with_path(path))?;
            return Ok(MergeSink::Moses(Box::new(MosesSink::new(
                AtomicFile::create(a)?,
                AtomicFile::create(b)?,
                &job.export,
            ))));
        }
        let file = Arc::new(Mutex::new(Some(AtomicFile::create(path)?)));
        let sink = export::sink(
            job.format,
            Box::new(Shared(Arc::clone(&file))),
            &job.export,
            &src,
            &tgt,
        )?;
        Ok(MergeSink::Stream { sink, file })
    }

    /// Closes and publishes the TM; returns its record and the files written.
    pub(super) fn finish(self) -> (MergeRecord, Vec<PathBuf>) {
        let path = self.path.clone();
        let mut units = self.units;
        let result = match self.sink {
            MergeSink::Pivot(docs) => write_pivot(self.job, &path, &docs).map(|n| {
                units = n;
                vec![path.clone()]
            }),
            // No pair aligned: still an (empty) TM, so later steps find the file.
            MergeSink::Pending => {
                let empty = AlignedPair::default();
                export::write_file(
                    self.job.format,
                    &path,
                    std::iter::empty::<&AlignedPair>(),
                    &self.job.export,
                )
                .map(|()| outputs(self.job.format, &path, &empty, &self.job.export))
            }
            MergeSink::Stream { sink, file } => sink.finish().and_then(|()| {
                let taken = file.lock().ok().and_then(|mut g| g.take());
                taken
                    .ok_or_else(|| Error::msg("merged output lost"))?
                    .commit()?;
                Ok(vec![path.clone()])
            }),
            MergeSink::Moses(sink) => sink.into_inner().and_then(|(a, b)| {
                let paths = vec![a.path().to_path_buf(), b.path().to_path_buf()];
                output::commit_all(vec![a, b])?;
                Ok(paths)
            }),
            MergeSink::Failed(e) => Err(e),
        };
        let (status, error, outputs) = match result {
            Ok(outputs) => (Status::Ok, None, outputs),
            Err(e) => (
                Status::Error,
                Some(e.with_path(&path).to_string()),
                Vec::new(),
            ),
        };
        let record = MergeRecord {
            path,
            status,
            error,
            pairs: self.pairs,
            units,
        };
        (record, outputs)
    }
}

//! Atomic output files: everything is written to a temporary file in the target's folder and
//! renamed over the target only when complete, so an interrupted run (error, Ctrl-C, full
//! disk) never leaves a truncated TM under the name a CAT tool or a later step will read.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use crate::error::{Error, Result};

/// An output file that appears under its name only on [`AtomicFile::commit`].
///
/// Writes are buffered. Dropping it without committing removes the temporary file and leaves
/// any existing file at the target untouched.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    // The plain file, not tempfile's wrapper: its errors would name the temporary path,
    // which no message may show.
    writer: BufWriter<File>,
    /// Removes the temporary file when dropped uncommitted.
    temp: TempPath,
}

impl AtomicFile {
    /// Creates the temporary file next to `path` (same folder, so the final rename stays on
    /// one file system and is atomic). Fails, naming `path`, when the folder is missing or
    /// not writable.
    pub fn create(path: impl AsRef<Path>) -> Result<AtomicFile> {
        let target = path.as_ref().to_path_buf();
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::msg("output path names no file").with_path(&target))?;
        // A leading dot keeps the half-written file out of most directory listings.
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            // NamedTempFile defaults to 0600; an output file should get the usual umask mode.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(&dir).map_err(|e| {
            let e = io::Error::new(
                e.kind(),
                format!(
                    "cannot create a file in folder '{}': {}",
                    dir.display(),
                    os_error(&e)
                ),
            );
            Error::from(e).with_path(&target)
        })?;
        let (file, temp) = temp.into_parts();
        Ok(AtomicFile {
            target,
            writer: BufWriter::new(file),
            temp,
        })
    }

    /// The path the file will have once committed.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flushes, fsyncs and renames the file over the target.
    pub fn commit(self) -> Result<()> {
        let (temp, target) = self.prepare()?;
        publish(temp, &target)
    }

    /// Everything but the rename: after this the data is on disk, so a following rename is
    /// the only step left that can fail.
    fn prepare(self) -> Result<(TempPath, PathBuf)> {
        let target = self.target;
        let file = self
            .writer
            .into_inner()
            .map_err(|e| Error::from(e.into_error()).with_path(&target))?;
        // Keep the mode of a file we replace (e.g. a group-readable shared TM).
        if let Ok(meta) = fs::metadata(&target) {
            let _ = file.set_permissions(meta.permissions());
        }
        file.sync_all()
            .map_err(|e| Error::from(e).with_path(&target))?;
        Ok((self.temp, target))
    }
}

/// The operating system's message of an error from tempfile, without the ` at path "…"`
/// tempfile adds to it (no message may show a temporary path).
fn os_error(e: &io::Error) -> String {
    let message = e.to_string();
    match message.find(" at path ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

fn publish(temp: TempPath, target: &Path) -> Result<()> {
    // On failure the PersistError holds the temp file; dropping it deletes it.
    temp.persist(target)
        .map_err(|e| Error::from(e.error).with_path(target))?;
    sync_dir(target);
    Ok(())
}

/// Makes the rename itself durable. Best effort: not all platforms can open a folder.
fn sync_dir(target: &Path) {
    #[cfg(unix)]
    {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = target;
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Commits files that belong together (Moses: `corpus.en` and `corpus.ar`).
///
/// All files are flushed and fsynced first; if any of that fails none is published. The
/// renames then run in order and stop at the first failure, so a later file is never
/// published after an earlier one failed. Renames cannot be undone as a group, so files
/// renamed before a failure stay published (best effort, not a transaction).
pub fn commit_all(files: Vec<AtomicFile>) -> Result<()> {
    let mut prepared = Vec::with_capacity(files.len());
    for f in files {
        // On error, `prepared` and the remaining files drop here: their temp files go away.
        prepared.push(f.prepare()?);
    }
    for (temp, target) in prepared {
        publish(temp, &target)?;
    }
    Ok(())
}

/// Writes `path` atomically with `write`; the file appears only if `write` succeeds.
pub fn write_atomic<P, F>(path: P, write: F) -> Result<()>
where
    P: AsRef<Path>,
    F: FnOnce(&mut AtomicFile) -> Result<()>,
{
    let path = path.as_ref();
    let mut file = AtomicFile::create(path)?;
    write(&mut file).map_err(|e| e.with_path(path))?;
    file.commit()
}

/// Whether `name` is one of [`AtomicFile`]'s temporary files (`.NAME.XXXXXX.tmp`, the
/// random part being tempfile's six letters and digits).
pub fn is_temporary(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    match inner.rsplit_once('.') {
        Some((target, random)) => {
            !target.is_empty()
                && random.len() == 6
                && random.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// Removes the temporary files a killed run left in `dir` and its subfolders (`target`:
/// only those of that file name, in `dir` alone); returns how many were removed. Best
/// effort: what cannot be read or removed is left.
pub fn remove_temporaries(dir: &Path, target: Option<&str>) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && target.is_none() {
            removed += remove_temporaries(&entry.path(), None);
        } else if kind.is_file()
            && is_temporary(&name)
            && target.is_none_or(|t| name.starts_with(&format!(".{t}.")))
            && fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_publishes_and_replaces_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.tmx");
        fs::write(&target, "old").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(entries(dir.path()), vec!["out.tmx"]);
    }

    #[test]
    fn failed_write_atomic_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let r = write_atomic(&target, |w| {
            w.write_all(b"partial")?;
            Err(Error::msg("boom"))
        });
        let e = r.unwrap_err();
        assert_eq!(e.path(), Some(target.as_path()));
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn temporaries_are_recognised_and_removed_by_their_naming() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("fr");
        fs::create_dir(&sub).unwrap();
        let left = AtomicFile::create(sub.join("a.tmx")).unwrap();
        let temp = entries(&sub)[0].clone();
        assert!(is_temporary(&temp), "{temp}");
        std::mem::forget(left); // as if the process had been killed
        for keep in [".a.tmx.tmp", "a.tmx", ".a.tmx.abc.tmp", ".bitalign-journal"] {
            assert!(!is_temporary(keep), "{keep}");
            fs::write(sub.join(keep), "x").unwrap();
        }
        assert_eq!(
            remove_temporaries(dir.path(), Some("a.tmx")),
            0,
            "not in subfolders"
        );
        assert_eq!(remove_temporaries(dir.path(), None), 1);
        assert!(!entries(&sub).contains(&temp));
        assert_eq!(entries(&sub).len(), 4);
    }

    #[test]
    fn an_unwritable_folder_is_named_without_the_temporary_path() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing/out.tmx");
        let msg = AtomicFile::create(&target).unwrap_err().to_string();
        assert!(
            msg.contains("missing") && msg.contains("os error 2"),
            "{msg}"
        );
        assert!(!msg.contains(".out.tmx."), "{msg}");
    }

    #[test]
    fn commit_all_publishes_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("c.en");
        let b = dir.path().join("c.ar");
        let mut fa = AtomicFile::create(&a).unwrap();
        let mut fb = AtomicFile::create(&b).unwrap();
        fa.write_all(b"x\n").unwrap();
        fb.write_all(b"y\n").unwrap();
        commit_all(vec![fa, fb]).unwrap();
        assert_eq!(entries(dir.path()), vec!["c.ar", "c.en"]);
    }
}

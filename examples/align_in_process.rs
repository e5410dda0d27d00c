//! Times, in process, the library call that the Python `bitalign.align_files` makes: the
//! pipeline's `align_files` and the JSONL records of the result. `benches/python_overhead.py`
//! runs it beside the Python call to measure what the binding adds.
//!
//! Usage: `align_in_process SRC TGT SRC_LANG TGT_LANG` (presegmented inputs). After one
//! untimed warm-up run, each line read on stdin runs the call once and prints its seconds and
//! bead count: the caller alternates single calls with its own, so both see the same load.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

use bitalign::export::jsonl;
use bitalign::pipeline::{self, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [src, tgt, src_lang, tgt_lang] = args.as_slice() else {
        return Err("usage: align_in_process SRC TGT SRC_LANG TGT_LANG".into());
    };
    let (src, tgt) = (PathBuf::from(src), PathBuf::from(tgt));
    let opts = Options {
        presegmented: true,
        src_lang: Some(src_lang.clone()),
        tgt_lang: Some(tgt_lang.clone()),
        ..Options::default()
    };
    let once = || -> bitalign::Result<usize> {
        let (pair, _) = pipeline::align_files("dev", &src, &tgt, &opts)?;
        let records = jsonl::records(&pair, true).collect::<bitalign::Result<Vec<_>>>()?;
        Ok(records.len())
    };
    once()?;
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        line?;
        let start = Instant::now();
        let beads = once()?;
        writeln!(out, "{:.6} {beads}", start.elapsed().as_secs_f64())?;
        out.flush()?;
    }
    Ok(())
}

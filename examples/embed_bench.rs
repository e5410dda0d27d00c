//! Times bitalign's sentence encoder on the JSON list of texts given on stdin (for
//! benches/embed.sh): one warm-up batch, then one pass over all texts. Prints one JSON line:
//! sentences, seconds, tokens (with prefix and special tokens), model RSS and peak RSS.
//!
//!     cargo run --release --example embed_bench -- MODEL < texts.json

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use bitalign::embed::Encoder;

/// A `/proc/self/status` field in MiB (0 where there is none).
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = PathBuf::from(std::env::args().nth(1).ok_or("usage: embed_bench MODEL")?);
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let texts: Vec<String> = serde_json::from_str(&input)?;
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();

    let before = status_mib("VmRSS:");
    let t0 = Instant::now();
    let encoder = Encoder::load(&model)?;
    let load_seconds = t0.elapsed().as_secs_f64();
    let model_mib = status_mib("VmRSS:") - before;
    encoder.embed(&texts[..texts.len().min(16)])?;

    let t0 = Instant::now();
    let vectors = encoder.embed(&texts)?;
    let seconds = t0.elapsed().as_secs_f64();
    let tokens: usize = texts
        .iter()
        .map(|t| encoder.token_count(t))
        .sum::<Result<usize, _>>()?;
    let report = serde_json::json!({
        "sentences": vectors.len(),
        "seconds": seconds,
        "tokens": tokens,
        "load_seconds": load_seconds,
        "model_rss_mib": model_mib,
        "peak_rss_mib": status_mib("VmHWM:"),
    });
    println!("{report}");
    Ok(())
}

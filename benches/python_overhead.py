#!/usr/bin/env python3
"""What the Python binding adds, and whether align_many uses every core.

1. Overhead: `bitalign.align_files` on the Text+Berg dev pair against the same library call
   timed in process by Rust (examples/align_in_process.rs: pipeline::align_files + the JSONL
   records), in one run: single calls alternate between the two (so both see the same machine
   load), medians compared. Process start and file writing are excluded on both sides.
2. align_many on the 11 bundled pairs (repeated REPEAT times so there is work to share):
   wall time with jobs=1 against all cores, and CPU time over wall time.

Usage (from the repository root, bitalign installed in the running Python):
    cargo build --release --example align_in_process
    python benches/python_overhead.py [DEV_DIR]      # default ../shared/bench/textberg-dev
Environment: RUNS (default 30 calls each), REPEAT (default 8).
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bitalign

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("RUNS", 30))
REPEAT = int(os.environ.get("REPEAT", 8))


def python_call(src, tgt):
    start = time.perf_counter()
    beads = bitalign.align_files(src, tgt, presegmented=True, src_lang="de", tgt_lang="fr")
    return time.perf_counter() - start, len(beads)


def rust_call(proc):
    proc.stdin.write("go\n")
    proc.stdin.flush()
    seconds, beads = proc.stdout.readline().split()
    return float(seconds), int(beads)


def overhead(dev):
    exe = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "examples" / "align_in_process"
    if not exe.exists():
        sys.exit(f"{exe} is missing: cargo build --release --example align_in_process")
    src, tgt = dev / "dev.de", dev / "dev.fr"
    args = [str(exe), str(src), str(tgt), "de", "fr"]
    rust, py = [], []
    with subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as proc:
        python_call(src, tgt)  # warm-up; the Rust side warms up before reading stdin
        for _ in range(RUNS):
            seconds, n_rust = rust_call(proc)
            rust.append(seconds)
            seconds, n_py = python_call(src, tgt)
            py.append(seconds)
        proc.stdin.close()
    assert n_rust == n_py, (n_rust, n_py)
    print(f"Text+Berg dev ({n_py} beads), {RUNS} alternating calls each (load {os.getloadavg()[0]:.1f}):")
    # The minimum is the least disturbed by other processes; the median shows the spread.
    for name, pick in (("min", min), ("median", statistics.median)):
        r, p = pick(rust), pick(py)
        print(f"  {name:6}  Rust in process {r * 1000:7.1f} ms   Python align_files {p * 1000:7.1f} ms"
              f"   ratio {p / r:.3f} ({(p / r - 1) * 100:+.1f}%)")


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def thread_cpu():
    """CPU ticks of each thread of this process (Linux /proc), by thread id."""
    ticks = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            ticks[task.name] = int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError):
            pass
    return ticks


def busy_threads(before, after):
    """Threads that did at least a tenth of the work between two `thread_cpu` readings."""
    spent = {t: after[t] - before.get(t, 0) for t in after}
    total = sum(spent.values()) or 1
    return sum(1 for v in spent.values() if v >= total / 10)


def many():
    docs = ROOT / "corpora" / "docs"
    pairs = []
    for src in sorted((docs / "en").glob("*.txt")):
        tgt = docs / src.stem.split("-")[0] / src.name
        pairs.append((src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8")))
    corpus = pairs * REPEAT
    results = {}
    for jobs in (1, None):
        list(bitalign.align_many(pairs, jobs=jobs))  # warm-up
        ticks, cpu, start = thread_cpu(), cpu_seconds(), time.perf_counter()
        out = list(bitalign.align_many(corpus, jobs=jobs))
        wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        results[jobs] = (wall, cpu, busy_threads(ticks, thread_cpu()), out)
    assert results[1][3] == results[None][3]
    print(f"align_many, {len(pairs)} bundled pairs x {REPEAT} ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}):")
    for jobs, label in ((1, "jobs=1   "), (None, "all cores")):
        w, c, busy, _ = results[jobs]
        print(f"  {label}  wall {w:6.2f} s  cpu {c:6.2f} s  cpu/wall {c / w:.2f}  threads doing the work {busy}")
    print(f"  speed-up {results[1][0] / results[None][0]:.2f}x")


if __name__ == "__main__":
    dev = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "bench" / "textberg-dev"
    if (dev / "dev.de").exists():
        overhead(dev)
    else:
        print(f"skipped the overhead measurement: no Text+Berg dev pair in {dev}")
    many()

"""Shared fixtures: the bundled corpus and the CLI binary the bindings are compared with."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpora"


def corpus_pairs():
    """(name, source path, target path) of every bundled pair: docs/en/X.txt with
    docs/<lang>/X.txt."""
    pairs = []
    for src in sorted((CORPUS / "docs" / "en").glob("*.txt")):
        lang = src.stem.split("-")[0]
        tgt = CORPUS / "docs" / lang / src.name
        if tgt.exists():
            pairs.append((src.stem, src, tgt))
    return pairs


PAIRS = corpus_pairs()


def cli_binary():
    """The `bitalign` CLI: $BITALIGN_BIN, else the cargo build of this checkout, else PATH."""
    env = os.environ.get("BITALIGN_BIN")
    if env:
        return env
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("release", "debug"):
        exe = target / profile / "bitalign"
        if exe.is_file():
            return str(exe)
    return shutil.which("bitalign")


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI and returns its completed process; skips when there is none."""
    exe = cli_binary()
    if not exe:
        pytest.skip("no bitalign CLI binary (build it with `cargo build --release` or set BITALIGN_BIN)")

    def run(*args):
        return subprocess.run([exe, *map(str, args)], capture_output=True, text=True)

    return run

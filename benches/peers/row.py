"""Print one markdown table row from the output of `bitalign eval --json`.

usage: row.py SYSTEM SECONDS EVAL_JSON

Exits non-zero (printing nothing on stdout) when EVAL_JSON is not the expected object,
so the caller can print a failure row instead. Standard library only.
"""

import json
import sys


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    system, seconds, path = argv[1:]
    with open(path, encoding="utf-8") as f:
        scores = json.load(f)
    cells = [system]
    for kind in ("strict", "lax"):
        cells += [f"{scores[kind][key]:.4f}" for key in ("precision", "recall", "f1")]
    cells.append(seconds)
    print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    try:
        main(sys.argv)
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"row.py: {e!r}")

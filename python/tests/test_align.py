"""`align` and `align_files` give exactly the records of `bitalign align -f jsonl`."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

import bitalign
from conftest import CORPUS, PAIRS


def cli_records(cli, src, tgt, *flags):
    done = cli("align", src, tgt, "-f", "jsonl", *flags)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_bundled_corpus_has_eleven_pairs():
    assert len(PAIRS) == 11


@pytest.mark.parametrize("name,src,tgt", PAIRS, ids=[p[0] for p in PAIRS])
def test_align_files_equals_the_cli_jsonl(cli, name, src, tgt):
    expected = cli_records(cli, src, tgt)
    got = [b.to_dict() for b in bitalign.align_files(src, tgt)]
    assert got == expected
    assert all(r["pair_id"] == name for r in got)


@pytest.mark.parametrize("name,src,tgt", PAIRS, ids=[p[0] for p in PAIRS])
def test_align_on_strings_equals_the_cli_jsonl(cli, name, src, tgt):
    expected = cli_records(cli, src, tgt)
    for record in expected:
        del record["pair_id"]
    text = lambda p: p.read_text(encoding="utf-8")
    got = [b.to_dict() for b in bitalign.align(text(src), text(tgt))]
    assert got == expected


def test_options_mean_what_the_cli_flags_mean(cli):
    _, src, tgt = PAIRS[0]
    flags = ("--model", "gale-church", "--min-score", "0.5", "--no-one-sided")
    expected = cli_records(cli, src, tgt, *flags)
    got = bitalign.align_files(src, tgt, model="gale-church", min_score=0.5, one_sided=False)
    assert [b.to_dict() for b in got] == expected
    assert all(not b.one_sided and b.score >= 0.5 for b in got)


def test_every_sentence_is_in_exactly_one_bead():
    _, src, tgt = PAIRS[0]
    beads = bitalign.align_files(src, tgt)
    n_src = len(bitalign.split(src.read_text(encoding="utf-8"), "en"))
    assert sorted(i for b in beads for i in b.src_idx) == list(range(n_src))


def reference(lang, name):
    """The reference segmentation as a list of sentences, `""` between paragraphs."""
    lines = (CORPUS / "reference" / lang / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines]


@pytest.mark.parametrize("name", ["de-manual", "zh-jingdezhen", "ar-water"])
def test_list_input_equals_presegmented_text(name):
    lang = name.split("-")[0]
    src, tgt = reference("en", name), reference(lang, name)
    from_lists = bitalign.align(src, tgt)
    from_text = bitalign.align("\n".join(src), "\n".join(tgt), presegmented=True)
    assert from_lists == from_text
    # Presegmented: the beads index the reference sentences themselves.
    sentences = [s for s in src if s]
    assert [i for b in from_lists for i in b.src_idx] == list(range(len(sentences)))


def test_a_list_item_with_a_line_break_stays_one_sentence():
    beads = bitalign.align(["One\nsentence.", "Two."], ["Une phrase.", "Deux."], src_lang="en", tgt_lang="fr")
    assert [b.src for b in beads] == ["One sentence.", "Two."]


def test_split_matches_the_cli(cli, tmp_path):
    _, src, _ = PAIRS[0]
    done = cli("split", src, "--lang", "en")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert bitalign.split(src.read_text(encoding="utf-8"), "en") == [l for l in lines if l]
    paragraphs = bitalign.split(src.read_text(encoding="utf-8"), "en", paragraphs=True)
    assert sum(len(p) for p in paragraphs) == len([l for l in lines if l])
    assert len(paragraphs) == lines.count("") + 1


def test_split_of_blank_text_is_empty():
    assert bitalign.split("  \n ", "en") == []


def test_threads_align_concurrently_with_the_same_results():
    texts = [(s.read_text(encoding="utf-8"), t.read_text(encoding="utf-8")) for _, s, t in PAIRS]
    sequential = [bitalign.align(s, t) for s, t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda p: bitalign.align(*p), texts * 2))
    assert parallel == sequential * 2


def test_jobs_do_not_change_the_result():
    _, src, tgt = PAIRS[1]
    assert bitalign.align_files(src, tgt, jobs=1) == bitalign.align_files(src, tgt)


def test_beads_pickle_and_compare_by_value():
    import pickle

    bead = bitalign.Bead("a", "b", [0], [0], 0.5, "doc")
    assert pickle.loads(pickle.dumps(bead)) == bead
    assert bead != bitalign.Bead("a", "b", [0], [0], 0.5)
    assert bead.to_dict() == {"src": "a", "tgt": "b", "src_idx": [0], "tgt_idx": [0], "score": 0.5, "pair_id": "doc"}

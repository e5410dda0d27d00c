"""`align_many`: a corpus in parallel, in input order, equal to a loop of `align`."""

import pytest

import bitalign
from conftest import PAIRS


def texts():
    return [(s.read_text(encoding="utf-8"), t.read_text(encoding="utf-8")) for _, s, t in PAIRS]


def test_align_many_equals_a_loop_of_align():
    pairs = texts()
    expected = [bitalign.align(s, t) for s, t in pairs]
    assert list(bitalign.align_many(pairs)) == expected
    assert list(bitalign.align_many(iter(pairs), jobs=2)) == expected


def test_align_many_takes_any_iterable_lazily_and_keeps_order():
    pairs = texts()
    # More pairs than one parallel chunk, from a generator.
    many = (pairs[k % len(pairs)] for k in range(100))
    got = list(bitalign.align_many(many, jobs=2))
    assert len(got) == 100
    assert got[11] == got[0] and got[12] == got[1]
    assert got[0] != got[1]


def test_pair_ids_are_carried_and_options_apply():
    (s, t) = texts()[0]
    [beads] = bitalign.align_many([(s, t, "doc-7")], one_sided=False)
    assert beads and all(b.pair_id == "doc-7" and not b.one_sided for b in beads)


def test_a_failing_pair_raises_when_reached():
    it = bitalign.align_many([("One.", "Eins."), ("", "Zwei.")])
    assert next(it)[0].tgt == "Eins."
    with pytest.raises(bitalign.InputError, match=r"^pair 1: src: empty input"):
        next(it)


def test_errors_return_yields_the_exception_and_goes_on():
    got = list(bitalign.align_many([("", "x."), ("One.", "Eins.")], errors="return"))
    assert isinstance(got[0], bitalign.InputError)
    assert got[1][0].src == "One."


def test_a_malformed_pair_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="pair 0"):
        list(bitalign.align_many(["not a pair"]))


def test_a_datasets_style_batch_function_explodes_documents_into_sentence_pairs():
    """What `datasets.map(batched=True)` calls: a dict of columns in, a dict of columns out."""

    def to_sentences(batch):
        out = {"src": [], "tgt": [], "score": []}
        for beads in bitalign.align_many(zip(batch["en"], batch["de"]), one_sided=False):
            for b in beads:
                out["src"].append(b.src)
                out["tgt"].append(b.tgt)
                out["score"].append(b.score)
        return out

    pairs = texts()
    batch = {"en": [s for s, _ in pairs], "de": [t for _, t in pairs]}
    out = to_sentences(batch)
    expected = sum((len(bitalign.align(s, t, one_sided=False)) for s, t in pairs), 0)
    assert len(out["src"]) == expected and len(out["tgt"]) == expected


def test_an_error_in_the_input_iterable_comes_after_the_pairs_read_before_it():
    def pairs():
        yield ("One.", "Eins.")
        yield ("Two.", "Zwei.")
        raise RuntimeError("source broke")

    it = bitalign.align_many(pairs())
    assert next(it)[0].src == "One."
    assert next(it)[0].src == "Two."
    with pytest.raises(RuntimeError, match="source broke"):
        next(it)
    assert list(it) == []

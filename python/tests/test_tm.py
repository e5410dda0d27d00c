"""`read_tm` and `write_tm` go through the CLI's importers and exporters."""

import json

import pytest

import bitalign
from conftest import PAIRS

DATE = "20260101T000000Z"


def test_write_tm_jsonl_round_trips_through_read_tm(tmp_path):
    _, src, tgt = PAIRS[0]
    beads = bitalign.align_files(src, tgt)
    out = tmp_path / "out.jsonl"
    bitalign.write_tm(beads, out, src_lang="en", tgt_lang="ar")
    back = bitalign.read_tm(out, src_lang="en", tgt_lang="ar")
    assert [(b.src, b.tgt, b.score, b.pair_id) for b in back] == [
        (b.src, b.tgt, b.score, b.pair_id) for b in beads
    ]


def test_write_tm_tmx_is_what_the_cli_converts_from_the_same_jsonl(cli, tmp_path):
    _, src, tgt = PAIRS[3]
    jsonl = tmp_path / "pair.jsonl"
    done = cli("align", src, tgt, "-f", "jsonl", "-o", jsonl)
    assert done.returncode == 0, done.stderr
    by_cli = tmp_path / "cli.tmx"
    done = cli("convert", jsonl, "--src-lang", "en", "--tgt-lang", "de", "-o", by_cli, "--creation-date", DATE)
    assert done.returncode == 0, done.stderr
    by_python = tmp_path / "python.tmx"
    beads = bitalign.read_tm(jsonl, src_lang="en", tgt_lang="de")
    bitalign.write_tm(beads, by_python, src_lang="en", tgt_lang="de", creation_date=DATE)
    assert by_python.read_bytes() == by_cli.read_bytes()


def test_read_tm_gives_the_records_of_convert_to_jsonl(cli, tmp_path):
    tmx = tmp_path / "tm.tmx"
    bitalign.write_tm([("Hello.", "Hallo.", 0.9), ("Bye.", "Tschüss.")], tmx, src_lang="en", tgt_lang="de")
    done = cli("convert", tmx, "-f", "jsonl")
    assert done.returncode == 0, done.stderr
    expected = [json.loads(line) for line in done.stdout.splitlines()]
    got = [b.to_dict() for b in bitalign.read_tm(tmx)]
    assert got == expected
    assert got[0]["score"] == 0.9 and "score" not in got[1]


@pytest.mark.parametrize("fmt", ["tmx", "csv", "tsv", "xliff", "jsonl"])
def test_tuples_write_in_every_readable_format(tmp_path, fmt):
    path = tmp_path / f"tm.{fmt}"
    bitalign.write_tm(iter([("One.", "Eins."), ("Two.", "Zwei.")]), path, src_lang="en", tgt_lang="de")
    back = bitalign.read_tm(path, src_lang="en", tgt_lang="de")
    assert [(b.src, b.tgt) for b in back] == [("One.", "Eins."), ("Two.", "Zwei.")]


def test_write_tm_into_a_missing_folder_is_a_file_error(tmp_path):
    with pytest.raises(bitalign.FileError):
        bitalign.write_tm([("a", "b")], tmp_path / "no" / "such" / "dir" / "x.tmx")


def test_scores_survive_a_jsonl_round_trip_bit_for_bit(tmp_path):
    path = tmp_path / "s.jsonl"
    scores = [0.9403138541862792, 0.1 + 0.2, 1 / 3]
    bitalign.write_tm([("a", "b", s) for s in scores], path, src_lang="en", tgt_lang="de")
    assert [b.score for b in bitalign.read_tm(path, src_lang="en", tgt_lang="de")] == scores

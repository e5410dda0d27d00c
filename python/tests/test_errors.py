"""Errors are exceptions of one hierarchy, with the CLI's one-line messages."""

import pytest

import bitalign


def cli_message(done):
    """The CLI's error line without its `bitalign: ` prefix."""
    assert done.returncode == 2, done.stderr
    return done.stderr.strip().splitlines()[-1].removeprefix("bitalign: ")


def test_empty_input_is_an_input_error_and_a_value_error():
    with pytest.raises(bitalign.InputError) as info:
        bitalign.align("", "Bonjour.")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, bitalign.BitalignError)
    assert str(info.value) == "src: empty input: no text to align"


def test_binary_text_is_refused_by_side():
    with pytest.raises(bitalign.InputError, match=r"^tgt: binary data"):
        bitalign.align("Hello.", "\x00\x01\x02\x00" * 100)


def test_a_missing_file_is_a_file_error_with_the_cli_message(cli, tmp_path):
    missing = tmp_path / "missing.txt"
    other = tmp_path / "other.txt"
    other.write_text("Hallo.", encoding="utf-8")
    with pytest.raises(bitalign.FileError) as info:
        bitalign.align_files(missing, other)
    e = info.value
    assert isinstance(e, OSError) and isinstance(e, bitalign.BitalignError)
    assert e.errno == 2 and e.filename == str(missing)
    assert str(e) == cli_message(cli("align", missing, other, "-f", "jsonl"))


def test_a_malformed_tm_names_file_and_line_as_the_cli_does(cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"src": "a", "tgt": "b"}\n{not json\n', encoding="utf-8")
    with pytest.raises(bitalign.InputError) as info:
        bitalign.read_tm(bad, src_lang="en", tgt_lang="de")
    done = cli("convert", bad, "--src-lang", "en", "--tgt-lang", "de", "-f", "tsv")
    assert str(info.value) == cli_message(done)
    assert ":2:" in str(info.value)


def test_an_unknown_model_or_format_is_an_input_error():
    with pytest.raises(bitalign.InputError, match="unknown model 'bert'"):
        bitalign.align("a.", "b.", model="bert")
    with pytest.raises(bitalign.InputError, match="unknown format 'docx'"):
        bitalign.write_tm([("a", "b")], "/tmp/x.out", format="docx")


def test_an_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'srclang'"):
        bitalign.align("a.", "b.", srclang="en")
    with pytest.raises(TypeError, match="min_score"):
        bitalign.align("a.", "b.", min_score="high")


def test_embed_says_this_build_has_no_encoder():
    with pytest.raises(bitalign.BitalignError, match="no encoder"):
        bitalign.align("a.", "b.", embed="e5-small")


def test_zero_jobs_is_refused():
    with pytest.raises(ValueError, match="jobs"):
        bitalign.align("a.", "b.", jobs=0)


def test_a_wrong_argument_type_is_a_type_error_not_a_crash():
    with pytest.raises(TypeError):
        bitalign.align(42, "b.")
    with pytest.raises(TypeError, match="item 1"):
        bitalign.write_tm([("a", "b"), 7], "/tmp/never-written.tmx")


def test_a_panic_on_a_worker_thread_is_a_bitalign_error_not_a_crash():
    from bitalign import _native

    with pytest.raises(bitalign.BitalignError, match=r"internal error \(panic\): bead 63"):
        _native._panic_in_worker(jobs=2)
    # The interpreter and the library still work afterwards.
    assert bitalign.split("One. Two.", "en") == ["One.", "Two."]

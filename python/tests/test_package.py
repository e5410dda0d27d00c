"""The package as shipped: stubs that match the module, and the README's example scripts."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import bitalign
from bitalign import _native

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "python" / "examples"


def stub_names():
    tree = ast.parse((Path(bitalign.__file__).parent / "_native.pyi").read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_stubs_declare_exactly_what_the_module_exports():
    exported = {n for n in dir(_native) if not n.startswith("_")} | {"__version__"}
    declared = {n for n in stub_names() if n not in {"StrPath", "Side", "Model", "AlignOptions"}}
    assert declared == exported
    assert set(bitalign.__all__) == exported


def stub_option_keys():
    tree = ast.parse((Path(bitalign.__file__).parent / "_native.pyi").read_text())
    [options] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AlignOptions"]
    return [n.target.id for n in options.body if isinstance(n, ast.AnnAssign)]


def test_every_option_in_the_stubs_is_a_keyword_the_module_accepts():
    keys = stub_option_keys()
    assert len(keys) == 15
    for key in keys:
        try:
            bitalign.align("One.", "Eins.", **{key: None})
        except TypeError as e:
            assert "unexpected keyword" not in str(e), key
    with pytest.raises(TypeError, match="unexpected keyword"):
        bitalign.align("One.", "Eins.", **{"not_an_option": None})


def test_the_package_is_typed():
    assert (Path(bitalign.__file__).parent / "py.typed").exists()


def test_the_exception_classes_have_two_bases():
    assert issubclass(bitalign.InputError, ValueError)
    assert issubclass(bitalign.FileError, OSError)
    assert bitalign.InputError.__module__ == "bitalign"


def run_example(name, *args):
    done = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_example_one_pair_prints_aligned_sentences():
    out = run_example("one_pair.py")
    assert "Hallo." in out and "0." in out


def test_example_folder_to_dataframe():
    pytest.importorskip("pandas", reason="pandas is not installed (pip install pandas)")
    out = run_example("folder_to_dataframe.py", str(ROOT / "corpora" / "docs"))
    assert "11 documents" in out


def test_example_datasets_map():
    pytest.importorskip("datasets", reason="Hugging Face datasets is not installed (pip install datasets)")
    out = run_example("datasets_map.py", str(ROOT / "corpora" / "docs"))
    assert "sentence pairs" in out

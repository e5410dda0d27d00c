"""Type stubs of the extension module ``bitalign._native`` (src/python/ in the crate)."""

from os import PathLike
from typing import Iterable, Iterator, List, Literal, Optional, Sequence, Tuple, Union, overload

from typing_extensions import TypedDict, Unpack

__version__: str
MODELS: List[str]
"""Aligner variants for ``model=``: ``full``, ``anchors``, ``length``, ``gale-church``."""

StrPath = Union[str, "PathLike[str]"]
Side = Union[str, Sequence[str]]
"""A text (segmented by bitalign) or a list of sentences (one per item; ``""`` separates
paragraphs)."""
Model = Literal["full", "anchors", "length", "gale-church"]

class AlignOptions(TypedDict, total=False):
    """Keywords of ``align``, ``align_files`` and ``align_many``: the CLI's flags."""

    src_lang: Optional[str]
    """Source language code (e.g. ``en``); detected when absent."""
    tgt_lang: Optional[str]
    """Target language code; detected when absent."""
    presegmented: bool
    """Texts hold one sentence per line (blank lines between paragraphs): no splitting."""
    model: Model
    """Aligner variant (default ``full``)."""
    min_score: Optional[float]
    """Drop beads whose confidence is below this."""
    dedup: bool
    """Keep only the first of identical sentence pairs."""
    one_sided: bool
    """Keep 1-0 and 0-1 beads (default True, as ``-f jsonl``)."""
    max_sentence_chars: int
    """Cut sentences longer than this (default 2000)."""
    max_dp_cells: int
    """Most lattice cells one pass may search; beyond, a coarser search and a UserWarning."""
    dictionary: Optional[StrPath]
    """Bilingual dictionary in hunalign's format (``target @ source`` per line)."""
    srx: Optional[StrPath]
    """SRX 2.0 segmentation rules instead of the built-in segmenter."""
    encoding: Optional[str]
    """Input encoding of files (``align_files``); detected when absent."""
    max_input_bytes: int
    """Refuse inputs larger than this."""
    embed: None
    """Reserved for the model-based signal; this build has none (any value raises)."""
    jobs: Optional[int]
    """Worker threads (default: one per core); the result does not depend on it."""

class BitalignError(Exception):
    """Base of every error bitalign raises."""

class InputError(BitalignError, ValueError):
    """Bad input: empty or binary text, an unknown encoding, format or model, a malformed file."""

class FileError(BitalignError, OSError):
    """A file could not be read or written; ``errno`` and ``filename`` say which and why."""

class Bead:
    """One aligned group of sentences: one record of ``bitalign align -f jsonl``."""

    src: str
    """Source sentences joined by a space; ``""`` when the bead has none."""
    tgt: str
    """Target sentences joined; ``""`` when the bead has none."""
    src_idx: List[int]
    """0-based positions of the source sentences."""
    tgt_idx: List[int]
    """0-based positions of the target sentences."""
    score: Optional[float]
    """Confidence in [0, 1]; ``None`` when unknown (a TM unit without a score)."""
    pair_id: str
    """The document the bead comes from; ``""`` when none."""
    one_sided: bool
    """True when one side is empty (a sentence without counterpart)."""

    def __init__(
        self,
        src: str,
        tgt: str,
        src_idx: Sequence[int] = ...,
        tgt_idx: Sequence[int] = ...,
        score: Optional[float] = None,
        pair_id: str = "",
    ) -> None: ...
    def to_dict(self) -> dict:
        """The JSONL record: same keys and values as ``-f jsonl``."""

class AlignMany(Iterator[Union[List[Bead], BitalignError]]):
    """What ``align_many`` returns: one list of beads per pair, in input order."""

    def __iter__(self) -> "AlignMany": ...
    def __next__(self) -> Union[List[Bead], BitalignError]: ...

def align(
    src: Side,
    tgt: Side,
    **options: Unpack[AlignOptions],
) -> List[Bead]:
    """Aligns a text and its translation: every bead in order, one-sided ones included
    (``one_sided=False`` leaves them out), exactly the records of ``bitalign align -f jsonl``.

    Options (``AlignOptions``) mean what the CLI's flags mean. ``embed`` is reserved for the
    model-based signal, which this build does not have (any value but ``None`` raises
    ``BitalignError``). The GIL is released while aligning.
    """

def align_files(
    src_path: StrPath,
    tgt_path: StrPath,
    **options: Unpack[AlignOptions],
) -> List[Bead]:
    """Reads and aligns two files as ``bitalign align SRC TGT -f jsonl`` does (encoding
    detected unless given; ``pair_id`` is the source file's stem). Unreadable files raise
    ``FileError``."""

def align_many(
    pairs: Iterable[Union[Tuple[Side, Side], Tuple[Side, Side, str]]],
    *,
    errors: Literal["raise", "return"] = "raise",
    **options: Unpack[AlignOptions],
) -> AlignMany:
    """Aligns a corpus in parallel (``jobs`` threads, default one per core) and yields one list
    of beads per pair, in input order; each equals ``align`` on that pair. Pairs are
    ``(src, tgt)`` or ``(src, tgt, pair_id)``, read a chunk at a time (memory stays bounded).
    A failing pair raises its error when reached, or with ``errors="return"`` is yielded as
    the exception object and the rest goes on."""

@overload
def split(
    text: str,
    lang: Optional[str] = None,
    *,
    max_sentence_chars: int = 2000,
    paragraphs: Literal[False] = False,
) -> List[str]: ...
@overload
def split(
    text: str,
    lang: Optional[str] = None,
    *,
    max_sentence_chars: int = 2000,
    paragraphs: Literal[True],
) -> List[List[str]]: ...
def split(
    text: str,
    lang: Optional[str] = None,
    *,
    max_sentence_chars: int = 2000,
    paragraphs: bool = False,
) -> Union[List[str], List[List[str]]]:
    """Splits a text into sentences as ``bitalign split`` does (language detected when not
    given); ``paragraphs=True`` groups them by paragraph. Blank text gives ``[]``."""

def read_tm(
    path: StrPath,
    *,
    format: Optional[str] = None,
    src_lang: Optional[str] = None,
    tgt_lang: Optional[str] = None,
    min_score: Optional[float] = None,
    dedup: bool = False,
) -> List[Bead]:
    """Reads a TM (tmx, csv, tsv, jsonl, xliff; from the extension unless ``format`` is given)
    as the records of ``bitalign convert PATH -f jsonl``."""

def write_tm(
    beads: Iterable[Union[Bead, Tuple[str, str], Tuple[str, str, Optional[float]]]],
    path: StrPath,
    *,
    format: Optional[str] = None,
    src_lang: Optional[str] = None,
    tgt_lang: Optional[str] = None,
    one_sided: Optional[bool] = None,
    bom: bool = False,
    note: Optional[str] = None,
    creation_date: Optional[str] = None,
    xliff_version: str = "1.2",
) -> None:
    """Writes beads or ``(src, tgt[, score])`` tuples atomically as tmx, csv, tsv, jsonl,
    vecalign, moses, html or xliff (from the extension, else TMX) with the CLI's exporters.
    The languages name the header (``und`` when not given)."""

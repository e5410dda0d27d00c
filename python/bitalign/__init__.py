"""bitalign: sentence alignment of a document and its translation.

The same Rust aligner as the ``bitalign`` command, in process: ``align`` gives exactly the
records of ``bitalign align -f jsonl`` as :class:`Bead` objects.

>>> import bitalign
>>> beads = bitalign.align("Hello. How are you?", "Hallo. Wie geht es dir?",
...                        src_lang="en", tgt_lang="de")
>>> [(b.src, b.tgt) for b in beads]
[('Hello.', 'Hallo.'), ('How are you?', 'Wie geht es dir?')]
"""

from ._native import (
    MODELS,
    AlignMany,
    Bead,
    BitalignError,
    FileError,
    InputError,
    __version__,
    align,
    align_files,
    align_many,
    read_tm,
    split,
    write_tm,
)

__all__ = [
    "MODELS",
    "AlignMany",
    "Bead",
    "BitalignError",
    "FileError",
    "InputError",
    "__version__",
    "align",
    "align_files",
    "align_many",
    "read_tm",
    "split",
    "write_tm",
]

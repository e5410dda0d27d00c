"""Align one document and its translation, in process."""

import bitalign

en = "Hello. The museum opens at 9 a.m. on weekdays. Entry is free for children."
de = "Hallo. Das Museum öffnet werktags um 9 Uhr. Kinder haben freien Eintritt."

for bead in bitalign.align(en, de, src_lang="en", tgt_lang="de"):
    print(f"{bead.score:.2f}  {bead.src}  |  {bead.tgt}")

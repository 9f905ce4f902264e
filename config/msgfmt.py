"""Compile every locale/*/LC_MESSAGES/*.po to .mo without GNU gettext (``python -m config.msgfmt DIR``).

Django's ``compilemessages`` needs the ``msgfmt`` program; a fresh machine may not have it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib


def compile_all(root: Path) -> int:
    count = 0
    for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    return count


if __name__ == "__main__":
    compiled = compile_all(Path(sys.argv[1] if len(sys.argv) > 1 else "locale"))
    print(f"compiled {compiled} catalogue(s)")

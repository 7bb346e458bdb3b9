"""Write a text file atomically: into a temporary file beside it, renamed over it only when complete.

Example::

    with atomic_text_file("lake/reference/dim_title.jsonl") as handle:
        handle.write("...\\n")
    # on an exception inside the block the target is untouched and the temporary file is gone
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

FILE_MODE = 0o644


@contextmanager
def atomic_text_file(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Yield a UTF-8 text handle (``\\n`` line endings) whose content replaces ``path`` on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="\n", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp",
        delete=False,
    )
    try:
        with handle:
            yield handle
        os.chmod(handle.name, FILE_MODE)  # temporary files are created private
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise

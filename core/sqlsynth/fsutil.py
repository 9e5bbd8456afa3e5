"""Atomic file writes: a reader or a crash never sees half a file."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from sqlsynth.errors import SqlsynthError


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a" / "b.txt"
    >>> atomic_write_text(p, "hi"); p.read_text()
    'hi'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its files are private (0600). Like a plain write, a new file gets 0666 less
    # the umask and a replaced one keeps its mode, so models and reports stay readable.
    tmp_name = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.fchmod(fd, path.stat().st_mode & 0o7777)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_all_or_nothing(files: Sequence[tuple[Path, str]]) -> None:
    """Write each ``(path, text)`` atomically, in order; if one write fails, put back every
    file already replaced, so a set of files that belong together (SQL files and their lock,
    a model and its YAML) is never half-updated. Files whose text is unchanged are not touched.
    """
    backups: list[tuple[Path, str | None]] = []
    try:
        for path, text in files:
            old = path.read_text("utf-8") if path.is_file() else None
            if old != text:
                atomic_write_text(path, text)
                backups.append((path, old))
    except BaseException as exc:
        for path, old in reversed(backups):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write_text(path, old)
        if isinstance(exc, OSError):
            raise SqlsynthError(
                f"could not write {exc.filename or 'the files'}: {exc.strerror}; "
                "every file was left as it was",
                hint="fix the path or permissions and run the command again",
            ) from exc
        raise

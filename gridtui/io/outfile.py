"""Output files that appear whole or not at all.

A report is written into an unnamed file in the folder it is meant for (Linux ``O_TMPFILE``)
and takes its name only once it is complete, by a rename over any older file of that name. A
failure on the way (a folder that cannot be written, a full disk, an interrupt) leaves nothing
behind and an older file as it was; so does a process killed mid-write, since an unnamed file
disappears with it. Where the file system has no unnamed files (FAT on a USB stick), a hidden
``.NAME.XXXX.part`` file stands in, removed on any failure the process lives through.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

COPY_CHUNK = 1 << 20

NO_UNNAMED_FILES = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL)
"""What ``open(O_TMPFILE)`` answers where the kernel or the file system has no unnamed files."""


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write; it becomes ``path`` when the block ends without an exception.

    Raises OSError (the caller words it) when the folder cannot take the file.
    """
    fd, temp = _open_unnamed(path)
    fh = os.fdopen(fd, "w+b")
    try:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        _publish(fh, temp, path)
    finally:
        fh.close()
        if temp is not None:
            with suppress(OSError):
                temp.unlink(missing_ok=True)


def _open_unnamed(path: Path) -> tuple[int, Path | None]:
    """A new file in ``path``'s folder, unnamed where possible (else a hidden named one), with
    the permissions of the file it will replace, or the usual ones for a new file."""
    fd, temp = -1, None
    if hasattr(os, "O_TMPFILE"):
        try:
            fd = os.open(path.parent, os.O_TMPFILE | os.O_RDWR, 0o666)
        except OSError as exc:
            if exc.errno not in NO_UNNAMED_FILES:
                raise
    if fd < 0:
        made, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        fd, temp = made, Path(name)
    with suppress(OSError):
        os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))
    return fd, temp


def _publish(fh: BinaryIO, temp: Path | None, path: Path) -> None:
    """Give the finished file its name, in one rename so no reader sees it half there."""
    if temp is None:  # an unnamed file gets a hidden name first: a link cannot replace a file
        temp = _named(fh, path)
    try:
        os.replace(temp, path)
    except OSError:
        with suppress(OSError):
            temp.unlink()
        raise


def _named(fh: BinaryIO, path: Path) -> Path:
    """A hidden name for the finished unnamed file: a link to it, or where the system refuses
    that (some sandboxes do), a copy of it, made only now that it is complete."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        os.link(f"/proc/self/fd/{fh.fileno()}", temp, follow_symlinks=True)
        return temp
    except OSError:
        pass
    try:
        with open(temp, "xb") as copy:
            os.fchmod(copy.fileno(), stat.S_IMODE(os.fstat(fh.fileno()).st_mode))
            fh.seek(0)
            shutil.copyfileobj(fh, copy, COPY_CHUNK)
            copy.flush()
            os.fsync(copy.fileno())
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise
    return temp

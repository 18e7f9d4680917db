"""A zip archive of deflated members, deflated on two threads at once.

zlib lets go of Python's lock while it compresses, so a second thread compresses at the same
time, as pigz does: a member is cut into pieces of `CHUNK` bytes, each piece a raw deflate stream
of its own that starts from the 32 KiB before it (the window of deflate, given as the preset
dictionary) and ends on a byte boundary (a sync flush), the last one with the stream's end. One
after another they are one deflate stream, which any zip reader inflates as a whole. Each piece
depends only on the bytes, so the archive is the same whichever thread finishes first.

zipfile cannot store data compressed elsewhere, hence the few records written here: a local
header per member, the central directory and its end record, with a fixed date. No ZIP64:
an archive that would need it (from 2 GiB, where zipfile itself turns to ZIP64) is refused.
"""

from __future__ import annotations

import os
import struct
import threading
import zlib
from collections.abc import Iterator, Sequence
from queue import SimpleQueue
from typing import BinaryIO, NamedTuple

from quizgen.errors import BuildError

CHUNK = 256 << 10
_WINDOW = 32 << 10  # deflate looks back at most this far

# Sizes and offsets from this on would need ZIP64 (zipfile's own limit: some readers take the
# 32-bit fields as signed).
ZIP64_LIMIT = (1 << 31) - 1

_LEVEL = 6  # zlib's default, as zipfile uses it
_DEFLATED = 8
_VERSION = 20  # version 2.0 of the format: deflate
_UNIX = 3
_PERMISSIONS = 0o644 << 16
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest a zip holds, at 00:00:00
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


# (window, piece, last): a piece to deflate, the bytes before it, and whether it ends the member
_Job = tuple[bytes, bytes, bool]


class Member(NamedTuple):
    """One file of an archive: its name, the CRC-32 and size of its bytes, and them deflated."""

    name: str
    crc: int
    size: int
    deflated: list[bytes]


def deflate_piece(window: bytes, data: bytes, last: bool) -> bytes:
    """`data` as a piece of a raw deflate stream that `window` (the bytes before it) precedes."""
    if window:
        compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, zdict=window)
    else:
        compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _jobs(stream: BinaryIO) -> Iterator[_Job]:
    """(window, piece, last) for each `CHUNK` bytes of `stream`, reading one piece ahead."""
    window, data = b"", stream.read(CHUNK)
    while True:
        following = stream.read(CHUNK)
        yield window, data, not following
        if not following:
            return
        window, data = data[-_WINDOW:], following


def _helper(todo: SimpleQueue[_Job | None], done: SimpleQueue[bytes | Exception]) -> None:
    while (job := todo.get()) is not None:
        try:
            done.put(deflate_piece(*job))
        except Exception as error:  # handed to the main thread, which raises it
            done.put(error)


def _processors() -> int:
    """How many processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def deflate_member(name: str, stream: BinaryIO) -> Member:
    """The member `name` holding the rest of `stream` (a file read `CHUNK` bytes at a time), deflated.

    The pieces go in pairs: a helper thread deflates the second while this one reads the pair and
    deflates the first (on one processor, where a helper would only take turns, this thread
    deflates them all: the same pieces). Little is held at once: three pieces read and the
    deflated output.
    """
    in_pairs = _processors() > 1
    pieces: list[bytes] = []
    crc = size = 0
    todo: SimpleQueue[_Job | None] = SimpleQueue()
    done: SimpleQueue[bytes | Exception] = SimpleQueue()
    helper: threading.Thread | None = None
    try:
        jobs = _jobs(stream)
        for job in jobs:
            second = next(jobs, None) if in_pairs else None
            if second is not None:
                if helper is None:
                    helper = threading.Thread(target=_helper, args=(todo, done), daemon=True)
                    helper.start()
                todo.put(second)
            for _, data, _ in (job,) if second is None else (job, second):
                crc = zlib.crc32(data, crc)
                size += len(data)
            pieces.append(deflate_piece(*job))
            if second is not None:
                piece = done.get()
                if isinstance(piece, Exception):
                    raise piece
                pieces.append(piece)
    finally:
        if helper is not None:
            todo.put(None)
            helper.join()
    return Member(name, crc, size, pieces)


def zip_archive(members: Sequence[Member]) -> bytes:
    """The zip archive of `members`, in their order, each dated 1980-01-01 with mode 644."""
    parts: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for member in members:
        name = member.name.encode("ascii")  # names of our own: no UTF-8 flag needed
        deflated_size = sum(map(len, member.deflated))
        if max(member.size, deflated_size, offset) >= ZIP64_LIMIT:
            raise BuildError(f"{member.name} is too large for a zip archive without ZIP64")
        fields = (_DEFLATED, 0, _DOS_DATE, member.crc, deflated_size, member.size, len(name))
        central = _CENTRAL.pack(
            b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, 0, *fields, 0, 0, 0, 0, _PERMISSIONS, offset
        )
        directory.append(central + name)
        header = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, 0, *fields, 0) + name
        parts += (header, *member.deflated)
        offset += len(header) + deflated_size
    directory_size = sum(map(len, directory))
    if offset + directory_size >= ZIP64_LIMIT:
        raise BuildError("too large for a zip archive without ZIP64")
    count = len(members)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, directory_size, offset, 0)
    return b"".join((*parts, *directory, end))

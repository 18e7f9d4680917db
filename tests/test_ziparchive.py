"""The zip writer of decks: members deflated on two threads, read back by zipfile and zlib."""

from __future__ import annotations

import io
import random
import threading
import time
import zipfile
import zlib

import pytest

from quizgen.errors import BuildError
from quizgen.outputs import ziparchive
from quizgen.outputs.ziparchive import Member, deflate_member, zip_archive


def _data(size: int, seed: int = 0) -> bytes:
    """Bytes that deflate about as a deck's database does: repeated words and numbers."""
    rng = random.Random(seed)
    words = [f"{rng.choice(['note', 'card', 'field', 'deck'])}{rng.randrange(10_000)} " for _ in range(2_000)]
    text = "".join(rng.choice(words) for _ in range(size // 5 + 1)).encode()
    return text[:size]


def _archive(data: bytes, name: str = "collection.anki2") -> bytes:
    return zip_archive([deflate_member(name, io.BytesIO(data)), deflate_member("media", io.BytesIO(b"{}"))])


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 2000, 2999, 3000, 3001, 20_000, 70_001])
def test_members_read_back_whole_at_every_size(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    # pieces of 1,000 bytes: members of zero, one, two, three and many pieces, odd and even counts
    monkeypatch.setattr(ziparchive, "CHUNK", 1000)
    data = _data(size, seed=size)
    with zipfile.ZipFile(io.BytesIO(_archive(data))) as archive:
        assert archive.testzip() is None  # every member's CRC-32 checked
        assert archive.namelist() == ["collection.anki2", "media"]
        assert archive.read("collection.anki2") == data
        assert archive.read("media") == b"{}"


def test_a_member_is_one_deflate_stream_of_its_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ziparchive, "CHUNK", 4096)
    data = _data(100_000)
    member = deflate_member("x", io.BytesIO(data))
    assert len(member.deflated) == 25  # 24 full pieces and the rest
    inflate = zlib.decompressobj(-15)
    assert inflate.decompress(b"".join(member.deflated)) == data
    assert inflate.eof and not inflate.unused_data  # ended once, by the last piece
    assert (member.crc, member.size) == (zlib.crc32(data), len(data))


def test_pieces_start_from_the_bytes_before_them() -> None:
    # at the real size: each piece is deflated with the 32 KiB before it as its dictionary, so
    # splitting costs almost nothing (it must stay within 1% of one stream, as zipfile writes it)
    data = _data(3 * ziparchive.CHUNK + 12_345)
    pieces = deflate_member("x", io.BytesIO(data)).deflated
    assert len(pieces) == 4
    one_stream = zlib.compressobj(6, zlib.DEFLATED, -15)
    whole = one_stream.compress(data) + one_stream.flush()
    assert abs(sum(map(len, pieces)) / len(whole) - 1) < 0.01
    alone = ziparchive.deflate_piece(b"", data[ziparchive.CHUNK : 2 * ziparchive.CHUNK], False)
    assert len(pieces[1]) < len(alone)  # the dictionary was used


def test_one_piece_is_what_zipfile_writes() -> None:
    # a small member: the same bytes as zipfile's own writer, headers, directory and all
    data = _data(50_000)
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w") as archive:
        for name, content in (("collection.anki2", data), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as entry:
                entry.write(content)
    assert _archive(data) == expected.getvalue()


def test_members_carry_a_fixed_date_and_mode() -> None:
    with zipfile.ZipFile(io.BytesIO(_archive(_data(600_000)))) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr == 0o644 << 16
            assert (info.create_system, info.compress_type, info.flag_bits) == (3, zipfile.ZIP_DEFLATED, 0)


def _slowed(monkeypatch: pytest.MonkeyPatch, slow_thread: str, seed: int) -> list[str]:
    """deflate_piece sleeping at random on one thread ("main" or "helper"); who deflated what."""
    real, rng, lock = ziparchive.deflate_piece, random.Random(seed), threading.Lock()
    threads: list[str] = []

    def deflate_piece(window: bytes, data: bytes, last: bool) -> bytes:
        who = "main" if threading.current_thread() is threading.main_thread() else "helper"
        with lock:
            threads.append(who)
            pause = rng.random() * 0.004
        if who == slow_thread:
            time.sleep(pause)
        return real(window, data, last)

    monkeypatch.setattr(ziparchive, "deflate_piece", deflate_piece)
    return threads


@pytest.mark.parametrize("pieces", [2, 7, 8])
def test_the_same_bytes_whichever_thread_is_faster(monkeypatch: pytest.MonkeyPatch, pieces: int) -> None:
    monkeypatch.setattr(ziparchive, "CHUNK", 2000)
    data = _data(2000 * pieces - 7)
    # one thread after the other, in order: what every run must give
    expected = [ziparchive.deflate_piece(*job) for job in ziparchive._jobs(io.BytesIO(data))]
    for seed in range(4):
        for slow in ("main", "helper"):
            with monkeypatch.context() as m:
                threads = _slowed(m, slow, seed)
                member = deflate_member("x", io.BytesIO(data))
            assert member.deflated == expected
            # every second piece went to the helper thread
            assert threads.count("helper") == pieces // 2
            assert threads.count("main") == pieces - pieces // 2


def test_on_one_processor_this_thread_deflates_every_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ziparchive, "CHUNK", 2000)
    data = _data(9_999)
    expected = deflate_member("x", io.BytesIO(data))
    monkeypatch.setattr(ziparchive, "_processors", lambda: 1)
    threads = _slowed(monkeypatch, "none", 0)
    assert deflate_member("x", io.BytesIO(data)) == expected
    assert threads == ["main"] * 5


def test_one_piece_starts_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads = _slowed(monkeypatch, "none", 0)
    deflate_member("x", io.BytesIO(_data(ziparchive.CHUNK)))
    assert threads == ["main"]


def test_an_error_on_the_helper_thread_is_raised_and_the_thread_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ziparchive, "CHUNK", 1000)
    real = ziparchive.deflate_piece

    def deflate_piece(window: bytes, data: bytes, last: bool) -> bytes:
        if threading.current_thread() is not threading.main_thread():
            raise MemoryError("no memory for this piece")
        return real(window, data, last)

    monkeypatch.setattr(ziparchive, "deflate_piece", deflate_piece)
    before = threading.active_count()
    with pytest.raises(MemoryError, match="no memory for this piece"):
        deflate_member("x", io.BytesIO(_data(10_000)))
    assert threading.active_count() == before


def test_archives_that_would_need_zip64_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ziparchive, "ZIP64_LIMIT", 10_000)
    big = deflate_member("collection.anki2", io.BytesIO(_data(10_000)))
    with pytest.raises(BuildError, match=r"collection\.anki2 is too large for a zip archive without ZIP64"):
        zip_archive([big])
    # a member that starts beyond the limit, and a directory that ends beyond it
    noise = random.Random(1).randbytes(6_000)
    incompressible = deflate_member("noise", io.BytesIO(noise))
    with pytest.raises(BuildError, match="media is too large"):
        zip_archive([incompressible, incompressible, Member("media", 0, 0, [b"\x03\x00"])])
    with pytest.raises(BuildError, match="too large for a zip archive without ZIP64"):
        zip_archive([incompressible, Member("m" * 3_940, 0, 0, [b"\x03\x00"])])
    small = deflate_member("collection.anki2", io.BytesIO(_data(9_000)))
    with zipfile.ZipFile(io.BytesIO(zip_archive([small]))) as archive:
        assert archive.read("collection.anki2") == _data(9_000)

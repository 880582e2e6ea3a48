"""The data package's zip (datazip.py): a valid zip whose members are deflated in
independent blocks, each compressed again only when its bytes changed."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from scrutiny import datazip
from scrutiny.incremental.cache import KeptValues
from scrutiny.outputs import OnDisk


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every member's CRC checks
        infos = archive.infolist()
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        assert all(i.date_time == zipfile.ZipInfo("x", datazip.ZIP_DATE).date_time for i in infos)
        return {i.filename: archive.read(i) for i in infos}


def _text(blocks: float, seed: int) -> bytes:
    """Compressible bytes spanning several blocks, like a database or a large CSV."""
    words = [f"word{n}".encode() for n in range(500)]
    chooser = random.Random(seed)
    size = int(blocks * datazip.BLOCK_SIZE)
    out = bytearray()
    while len(out) < size:
        out += chooser.choice(words) + b" "
    return bytes(out[:size])


def test_members_read_back_as_written_in_name_order(tmp_path: Path) -> None:
    big = _text(2.5, seed=1)
    on_disk = tmp_path / "scrutiny.db"
    on_disk.write_bytes(big)
    files = {"b.csv": b"a,b\n1,2\n", "scrutiny.db": OnDisk(on_disk, len(big), ""), "a": b""}
    data = datazip.zip_bytes(files)
    members = _members(data)
    assert list(members) == ["a", "b.csv", "scrutiny.db"]
    assert members == {"a": b"", "b.csv": b"a,b\n1,2\n", "scrutiny.db": big}
    assert len(data) < len(big) / 2  # compressed, not stored


def test_kept_blocks_give_a_cold_builds_bytes_and_only_changed_blocks_are_made(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cache"
    before = _text(4.2, seed=2)
    after = bytearray(before)
    after[2 * datazip.BLOCK_SIZE + 10 : 2 * datazip.BLOCK_SIZE + 14] = b"EDIT"  # in block 2 alone
    first = KeptValues.recall(folder, "zip-blocks", datazip.VERSION)
    datazip.zip_bytes({"data.db": before}, first)
    first.remember(folder, "zip-blocks", datazip.VERSION)

    warm = KeptValues.recall(folder, "zip-blocks", datazip.VERSION)
    assert len(warm.known) == 5  # four whole blocks and the rest
    made = datazip.zip_bytes({"data.db": bytes(after)}, warm)
    assert made == datazip.zip_bytes({"data.db": bytes(after)})  # as a cold build
    assert _members(made) == {"data.db": bytes(after)}
    assert len(set(warm.used) - set(warm.known)) == 1  # the edited block alone was deflated

    warm.remember(folder, "zip-blocks", datazip.VERSION)  # the unused block is dropped
    again = KeptValues.recall(folder, "zip-blocks", datazip.VERSION)
    assert set(again.known) == set(warm.used)


def test_kept_blocks_of_another_version_or_damaged_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    kept = KeptValues.recall(folder, "zip-blocks", "another way of deflating")
    kept.get("key", lambda: b"not deflate")
    kept.remember(folder, "zip-blocks", "another way of deflating")
    assert KeptValues.recall(folder, "zip-blocks", datazip.VERSION).known == {}
    entry = folder / "zip-blocks"
    entry.write_bytes(entry.read_bytes()[:-3])  # cut short
    assert KeptValues.recall(folder, "zip-blocks", "another way of deflating").known == {}

"""The data package's zip: its bytes depend only on its contents (fixed dates, sorted names),
and a member is compressed again only where its bytes changed.

Each member is deflated in blocks of 1 MiB, each block compressed alone and ended on a byte
boundary (a sync flush), so the deflated bytes of a block depend on that block alone and the
blocks join into one valid deflate stream (as `pigz --independent` makes them). A build keeps
each block's deflated bytes by a hash of the block (incremental/store.KeptValues): after one
minutes edit the 140 MB database of a county differs in a handful of blocks, and only those
are compressed again. Independent blocks cost under 1% in size; a cold build writes the same
bytes as one that found every block kept.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Mapping
from functools import partial
from typing import BinaryIO

from scrutiny.incremental.cache import KeptValues, digest
from scrutiny.outputs import OnDisk

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
BLOCK_SIZE = 1 << 20
LEVEL = 6
# How the kept blocks were made: a block is kept under this version and its hash.
VERSION = f"deflate blocks {BLOCK_SIZE} level {LEVEL} zlib {zlib.ZLIB_RUNTIME_VERSION}"


def zip_bytes(files: Mapping[str, bytes | OnDisk], kept: KeptValues | None = None) -> bytes:
    """The zip of `files` by name; blocks deflated before are taken from `kept`."""
    kept = kept or KeptValues()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            content = files[name]
            if isinstance(content, bytes):
                _add(archive, name, io.BytesIO(content), kept)
                continue
            with content.path.open("rb") as source:
                _add(archive, name, source, kept)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, source: BinaryIO, kept: KeptValues) -> None:
    """A member whose deflated bytes are made here: written as stored bytes, then its local
    header rewritten to say they are deflated, with the size and CRC of what they inflate to
    (zipfile rewrites the header in place the same way once a member is written)."""
    deflated, crc, size = _deflate(source, kept)
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED
    zip64 = size * 1.05 > zipfile.ZIP64_LIMIT  # decided once: the header keeps its length
    with archive.open(info, "w", force_zip64=zip64) as member:
        member.write(deflated)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC, info.file_size = crc, size
    assert archive.fp is not None
    end = archive.fp.tell()
    archive.fp.seek(info.header_offset)
    archive.fp.write(info.FileHeader(zip64))
    archive.fp.seek(end)


def _deflate(source: BinaryIO, kept: KeptValues) -> tuple[bytes, int, int]:
    """The raw deflate stream of the source's bytes, their CRC-32 and their size."""
    blocks: list[bytes] = []
    crc = size = 0
    while block := source.read(BLOCK_SIZE):
        crc = zlib.crc32(block, crc)
        size += len(block)
        blocks.append(kept.get(digest(block), partial(_deflate_block, block)))
    blocks.append(_FINAL_BLOCK)
    return b"".join(blocks), crc, size


def _deflate_block(block: bytes) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(block) + compressor.flush(zlib.Z_SYNC_FLUSH)


_FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS).flush()  # ends the stream

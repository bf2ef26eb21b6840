"""Make a Qt-written PDF's text copy and search as Chinese.

Noto Sans CJK draws 月 and the Kangxi radical ⽉ (U+2F49) with one glyph; Qt's PDF
writer then maps that glyph back to the radical in the font's ToUnicode table, so
copying '考核月报' from the PDF gives '考核⽉报' and searching for 月 finds nothing.
:func:`fix_radicals` rewrites those entries to the unified ideograph the font draws
with the same glyph.  Each code is 4 hex digits either way, so the file's byte
offsets (xref table) stay valid and the file is patched in place.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from PySide6.QtGui import QFont, QRawFont

#: code points a CJK font may map onto an ideograph's glyph
RADICAL_RANGES = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF))
_TO_UNICODE = re.compile(rb"/ToUnicode\s+(\d+)\s+0\s+R")
_HEX = re.compile(rb"<([0-9A-Fa-f]{4})>")


@cache
def radical_map(family: str) -> dict[int, int]:
    """{radical or compatibility code point: the ideograph with the same glyph in ``family``}."""
    raw = QRawFont.fromFont(QFont(family))
    ideographs = "".join(chr(c) for c in range(0x4E00, 0xA000))
    by_glyph: dict[int, str] = {}
    for ch, g in zip(ideographs, raw.glyphIndexesForString(ideographs), strict=True):
        if g:
            by_glyph.setdefault(g, ch)
    out: dict[int, int] = {}
    for lo, hi in RADICAL_RANGES:
        chars = "".join(chr(c) for c in range(lo, hi + 1))
        for ch, g in zip(chars, raw.glyphIndexesForString(chars), strict=True):
            target = by_glyph.get(g) if g else None
            if target is None:  # not drawn alike: the standard's equivalent, if any
                folded = unicodedata.normalize("NFKC", ch)
                target = folded if len(folded) == 1 and folded != ch else None
            if target is not None:
                out[ord(ch)] = ord(target)
    return out


def _fix_cmap(body: bytes, mapping: dict[int, int]) -> tuple[bytes, int]:
    """Rewrite the destination codes of a ToUnicode CMap (never the glyph ids)."""
    changed = 0

    def dst(m: re.Match) -> bytes:
        nonlocal changed
        code = int(m.group(1), 16)
        if code in mapping:
            changed += 1
            return b"<%04X>" % mapping[code]
        return m.group(0)

    lines = body.split(b"\n")
    block = None
    for i, line in enumerate(lines):
        s = line.strip()
        if s.endswith(b"beginbfchar") or s.endswith(b"beginbfrange"):
            block = s.split()[-1]
            continue
        if s in (b"endbfchar", b"endbfrange"):
            block = None
            continue
        if block == b"beginbfchar":  # <glyph> <unicode>
            parts = line.split(b" ", 1)
            if len(parts) == 2:
                lines[i] = parts[0] + b" " + _HEX.sub(dst, parts[1])
        elif block == b"beginbfrange" and b"[" in line:  # <lo> <hi> [<u> <u> …]
            head, _b, tail = line.partition(b"[")
            lines[i] = head + b"[" + _HEX.sub(dst, tail)
        elif block == b"beginbfrange":  # <lo> <hi> <first>: only a one-glyph range
            codes = _HEX.findall(line)
            if len(codes) == 3 and codes[0] == codes[1]:
                head = line[: line.rindex(b"<")]
                lines[i] = head + _HEX.sub(dst, line[len(head):])
    return b"\n".join(lines), changed


def fix_radicals(path: Path, family: str) -> int:
    """Patch the ToUnicode tables of the PDF at ``path``; the number of codes changed."""
    data = path.read_bytes()
    mapping = radical_map(family)
    out = bytearray(data)
    total = 0
    for num in {int(n) for n in _TO_UNICODE.findall(data)}:
        m = re.search(rb"\n%d 0 obj\s*<<\s*/Length (\d+)\s*>>\s*stream\r?\n" % num, data)
        if m is None:
            continue  # a compressed or unusual stream: leave it as Qt wrote it
        start, length = m.end(), int(m.group(1))
        body, changed = _fix_cmap(data[start:start + length], mapping)
        if len(body) != length:  # cannot happen with 4-digit codes; never corrupt a file
            continue
        out[start:start + length] = body
        total += changed
    if total:
        path.write_bytes(bytes(out))
    return total

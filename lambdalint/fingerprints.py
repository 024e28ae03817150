"""Line fingerprints for SARIF, computed the way GitHub code scanning computes them.

GitHub matches an alert across commits by `partialFingerprints.primaryLocationLineHash`. The upload
action fills it in when a SARIF file lacks it, but the REST API does not, so lambdalint writes it
itself, with the same algorithm so both agree:

- the file is read as one stream of UTF-16 code units; spaces and tabs are dropped, CR and CRLF
  become LF, and the stream ends with the code unit 0xFFFF followed by zeros;
- a line's hash is the polynomial hash (base 37, modulo 2**64) of the 100 stream units starting
  at the line's first kept unit, so it covers the line and, when it is short, what follows it;
- the value is `<hash in lowercase hex>:<n>`, where n counts earlier lines of the same file with the
  same hash (1 for the first), so repeated lines stay distinct.
"""

from __future__ import annotations

_BLOCK = 100
_BASE = 37
_MASK = (1 << 64) - 1
_EOF = 0xFFFF


def _stream(text: str) -> tuple[list[int], list[int]]:
    """The normalised code units and, per line (1-based order), the index where the line starts."""
    units: list[int] = []
    starts: list[int] = []
    line_start = True
    previous_cr = False
    data = text.encode("utf-16-le")
    codes = [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)]
    for code in (*codes, _EOF):
        if code in (0x20, 0x09) or (previous_cr and code == 0x0A):
            previous_cr = False
            continue
        if code == 0x0D:
            code, previous_cr = 0x0A, True
        else:
            previous_cr = False
        if line_start:
            line_start = False
            starts.append(len(units))
        if code == 0x0A:
            line_start = True
        units.append(code)
    return units, starts


def line_hashes(text: str) -> list[str]:
    """`primaryLocationLineHash` of every line of `text`; item i is line i + 1."""
    units, starts = _stream(text)
    units.extend([0] * _BLOCK)
    # prefix[i] is the hash of units[:i]; a window's hash is prefix[j] - prefix[i] * BASE**(j - i).
    prefix = [0] * (len(units) + 1)
    value = 0
    for i, unit in enumerate(units):
        value = (value * _BASE + unit) & _MASK
        prefix[i + 1] = value
    shift = pow(_BASE, _BLOCK, 1 << 64)
    counts: dict[int, int] = {}
    hashes: list[str] = []
    for start in starts:
        window = (prefix[start + _BLOCK] - prefix[start] * shift) & _MASK
        counts[window] = counts.get(window, 0) + 1
        hashes.append(f"{window:x}:{counts[window]}")
    return hashes


def line_hash(text: str, line: int) -> str | None:
    """The hash of 1-based `line`, or None when the file has no such line."""
    hashes = line_hashes(text)
    return hashes[line - 1] if 0 < line <= len(hashes) else None

"""The language server's input, framed and checked before pygls reads it.

pygls reads `Content-Length` framed messages straight from stdin: a header it cannot parse makes it
skip to the next blank line and then read the body as headers (the next message is lost with it),
and an absurd `Content-Length` makes it wait for, or try to allocate, gigabytes. `CheckedInput`
sits between stdin and pygls: it reads each frame itself, drops a frame whose header is missing,
not a number or too large (logging one line), finds the next `Content-Length:` even when it is
glued to garbage, and hands pygls only well-formed frames through the two calls pygls makes
(`readline`, `read`).
"""

from __future__ import annotations

import logging
import re
from typing import BinaryIO

MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # far above any document an editor sends; far below "absurd"
MAX_HEADER_LINE = 64 * 1024
_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*([^\r\n]*)", re.I)

_log = logging.getLogger("lambdalint.lsp")


class CheckedInput:
    """A binary stream with pygls's reading interface that yields only valid frames."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.buffer = bytearray()
        self.eof = False
        self.outgoing: list[bytes] = []  # header lines still to give pygls for the current frame
        self.body = b""

    # -- the interface pygls uses (`StdinAsyncReader`: `readline()` then `read(n)`) --

    def readline(self, size: int = -1) -> bytes:
        if not self.outgoing:
            body = self.next_body()
            if body is None:
                return b""  # end of input: pygls stops
            self.body = body
            self.outgoing = [b"Content-Length: %d\r\n" % len(body), b"\r\n"]
        return self.outgoing.pop(0)

    def read(self, size: int = -1) -> bytes:
        body, self.body = self.body, b""
        return body

    # -- framing --

    def next_body(self) -> bytes | None:
        """The body of the next well-formed frame; None at the end of the input."""
        while True:
            length: int | None = None
            problem: str | None = None
            while True:
                line = self._line()
                if line is None:
                    return None
                found = _CONTENT_LENGTH.search(line)
                if found is not None:
                    if found.start() > 0 and line[:found.start()].strip():
                        _log.warning("lambdalint: dropped %d bytes of garbage before a header", found.start())
                    length, problem = _length(found.group(1))
                elif not line.strip():
                    if length is not None or problem is not None:
                        break
                    continue  # blank lines between frames
                elif length is None and problem is None and b":" not in line:
                    _log.warning("lambdalint: dropped a line that is not a message header (%d bytes)", len(line))
            if problem is not None:
                _log.warning("lambdalint: dropped a message: %s", problem)
                continue
            assert length is not None
            body = self._exactly(length)
            if body is None:
                return None
            return body

    def _fill(self) -> bool:
        if self.eof:
            return False
        read1 = getattr(self.raw, "read1", None)
        chunk = read1(65536) if read1 is not None else self.raw.read(1)
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    def _line(self) -> bytes | None:
        """The next line (with its newline); an endless line is dropped in pieces, never held."""
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[:end + 1])
                del self.buffer[:end + 1]
                return line
            if len(self.buffer) > MAX_HEADER_LINE:
                # keep the tail: a header may start inside it
                _log.warning("lambdalint: dropped %d bytes without a line break", len(self.buffer) - 64)
                del self.buffer[:-64]
            if not self._fill():
                if self.buffer:
                    line = bytes(self.buffer)
                    self.buffer.clear()
                    return line
                return None

    def _exactly(self, size: int) -> bytes | None:
        while len(self.buffer) < size:
            if not self._fill():
                _log.warning("lambdalint: input ended inside a message")
                return None
        body = bytes(self.buffer[:size])
        del self.buffer[:size]
        return body


def _length(text: bytes) -> tuple[int | None, str | None]:
    value = text.strip()
    if not value.isdigit():
        return None, f"Content-Length is not a number ({value[:40]!r})"
    length = int(value)
    if length > MAX_MESSAGE_BYTES:
        return None, f"Content-Length {length} is larger than {MAX_MESSAGE_BYTES} bytes"
    return length, None

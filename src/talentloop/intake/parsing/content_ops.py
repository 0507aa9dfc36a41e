"""A fast reader of PDF page content streams, giving exactly what pypdf's reader gives.

Why: pypdf reads a content stream one byte at a time through a file object, and on resume
PDFs that is close to half of the parse time. Text-showing streams are made of a few kinds
of tokens (numbers, names, strings, arrays of those, operators), which one regular
expression per token reads at once. The result is the list of (operands, operator) pairs
pypdf's `ContentStream.operations` holds, built from pypdf's own object types, so pypdf's
layout-mode extraction runs on it unchanged.

Anything outside those common shapes (dictionaries, escaped strings, names with `#`
escapes, nested arrays) is read by pypdf's own `read_object` at that position, and a
stream this reader would not read exactly as pypdf does (inline images, indirect
references, vertical tabs, braces, over-long tokens) gives None, so the caller lets
pypdf read the whole stream.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    FloatObject,
    NameObject,
    NumberObject,
    read_object,
)

Operation = tuple[Any, bytes]

# pypdf's whitespace between tokens; a vertical tab is whitespace in some of its readers
# and not in others, so streams holding one go to pypdf whole.
_WS = rb"[\x00\t\n\x0c\r ]+"
_WS_OPT = rb"[\x00\t\n\x0c\r ]*"
_NUMBER = rb"[0-9+\-.][0-9+,\-.]*"  # pypdf's number characters, comma included
# What ends a name or an operator for pypdf: whitespace (as `\s`) or a delimiter.
_END = rb"[\t\n\x0b\x0c\r ()<>\[\]{}/%]"
_OPERATOR = rb"[A-Za-z'\"][^\t\n\x0b\x0c\r ()<>\[\]{}/%]*"
# Printable ASCII without delimiters or `#` (names with escapes go to pypdf).
_NAME = rb"/([!-~]*?)(?=" + _END + rb"|\Z)"
_PLAIN_NAME = re.compile(rb"[^()<>\[\]{}/%#]*")
# A literal string without unescaped parentheses inside (nested ones go to pypdf).
_STRING = rb"\(((?:[^()\\]|\\[\s\S])*)\)"
_HEX = rb"<(?!<)([0-9A-Fa-f\x00\t\n\x0c\r ]*)>"

_TOKEN = re.compile(
    _WS_OPT + rb"(?:"
    rb"(?P<num>" + _NUMBER + rb")"
    rb"|(?P<op>" + _OPERATOR + rb")"
    rb"|(?P<hex>" + _HEX + rb")"
    rb"|(?P<name>" + _NAME + rb")"
    rb"|(?P<str>" + _STRING + rb")"
    rb"|(?P<array>\[)"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<end>\Z))"
)
# The most common operation: only numbers, then the operator ("0 0 1 rg", "1 0 0 1 72 700 Tm").
_NUMBERS_THEN_OPERATOR = re.compile(
    _WS_OPT + rb"((?:" + _NUMBER + _WS + rb")*)(" + _OPERATOR + rb")(?=" + _END + rb"|\Z)"
)
_ARRAY_TOKEN = re.compile(
    _WS_OPT + rb"(?:"
    rb"(?P<num>" + _NUMBER + rb")"
    rb"|(?P<hex>" + _HEX + rb")"
    rb"|(?P<str>" + _STRING + rb")"
    rb"|(?P<name>" + _NAME + rb")"
    rb"|(?P<close>\]))"
)
_SKIP_SPACE = re.compile(_WS_OPT)
_HEX_SPACE = re.compile(_WS)
# Streams read differently by pypdf's readers in corner cases: inline images, "n g R"
# references (pypdf refuses them in content streams), vertical tabs, braces.
_UNUSUAL = re.compile(rb"\bBI\b|\d\s+\d+\s+R(?![A-Za-z])|[\x0b{}]")
_LONGEST_NUMBER = 18  # pypdf looks 20 bytes ahead for the end of a number
_LONGEST_WORD = 100  # operators and names; pypdf refuses 128 and more
_MAX_TOKENS = 2_000_000  # pypdf's default parsing budget for one stream


def operations(data: bytes) -> list[Operation] | None:
    """The stream's (operands, operator) pairs as pypdf reads them, or None to let pypdf read it."""
    if _UNUSUAL.search(data):
        return None
    result: list[Operation] = []
    operands: list[Any] = []
    stream: io.BytesIO | None = None
    position, end, tokens = 0, len(data), 0
    # Why only without NUL: bytes.split() does not split on it, pypdf does.
    numbers_then_operator = None if b"\x00" in data else _NUMBERS_THEN_OPERATOR.match
    while position < end:
        tokens += 1
        if tokens > _MAX_TOKENS:
            return None
        if numbers_then_operator is not None and not operands:
            simple = numbers_then_operator(data, position)
            if simple is not None:
                numbers, operator = simple.groups()
                if len(operator) > _LONGEST_WORD:
                    return None
                values = [_number(number) for number in numbers.split()]
                if None in values:
                    return None
                result.append((values, operator))
                tokens += len(values)
                position = simple.end()
                continue
        match = _TOKEN.match(data, position)
        kind = match.lastgroup if match else None
        if kind == "end":
            break
        if kind == "comment":
            assert match is not None
            position = match.end()
            continue
        if kind == "op":
            assert match is not None
            operator = match.group(kind)
            if len(operator) > _LONGEST_WORD:
                return None
            result.append((operands, operator))
            operands = []
            position = match.end()
            continue
        if kind == "array":
            read = _array(data, match.start(kind))  # type: ignore[union-attr]
            if read is not None:
                operands.append(read[0])
                position = read[1]
                continue
        elif match is not None and kind is not None:
            value = _value(kind, match)
            if value is not None:
                operands.append(value)
                position = match.end()
                continue
        # Anything else at an operand's place: pypdf's own reader, from this byte on.
        start = _SKIP_SPACE.match(data, position).end()  # type: ignore[union-attr]
        if data[start : start + 1] not in (b"/", b"(", b"<", b"["):
            return None  # pypdf fails here; its own pass gives the caller that error
        stream = stream or io.BytesIO(data)
        stream.seek(start)
        try:
            operands.append(read_object(stream, None, "bytes"))
        except Exception:  # the caller's pypdf pass reports the failure
            return None
        position = stream.tell()
    return result


def _value(kind: str, match: re.Match[bytes]) -> Any:
    """The token's pypdf object; None where pypdf's own reader must read it."""
    if kind == "num":
        return _number(match.group(kind))
    if kind == "name":
        name = match.group(kind)
        if len(name) > _LONGEST_WORD or not _PLAIN_NAME.fullmatch(name, 1):
            return None
        return NameObject(name.decode("ascii"))
    if kind == "str":
        body = match.group(kind)[1:-1]
        if b"\\" in body:
            if _UNKNOWN_ESCAPE.search(body):
                return None  # pypdf warns about those; its reader keeps that
            body = _ESCAPE.sub(_unescape, body)
        return ByteStringObject(body)
    digits = _HEX_SPACE.sub(b"", match.group(kind)[1:-1])
    return ByteStringObject(bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode()))


# pypdf's escapes in literal strings: named ones, up to three octal digits (a value over 255
# keeps the backslash and the digits as they are), and a backslash before a line break
# (the break, one or two characters, is dropped).
_NAMED_ESCAPES = {
    **{code.encode(): value.encode() for code, value in zip("nrtbf", "\n\r\t\b\f", strict=True)},
    **{char.encode(): char.encode() for char in "()/\\ %<>[]#_&$"},
}
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|([\r\n][\r\n]?)|([\s\S]))")
_UNKNOWN_ESCAPE = re.compile(rb"\\[^0-7\r\nnrtbf()/\\ %<>\[\]#_&$]")


def _unescape(match: re.Match[bytes]) -> bytes:
    octal, _line_break, named = match.groups()
    if octal:
        value = int(octal, 8)
        return bytes((value,)) if value <= 255 else b"\\" + octal
    if named:
        return _NAMED_ESCAPES[named]
    return b""


def _number(number: bytes) -> Any:
    """pypdf's number object for the token; None for one pypdf's reader must read."""
    if len(number) > _LONGEST_NUMBER:
        return None
    try:
        # Why not FloatObject(number): the same value without its per-call error handling,
        # which showed in profiles; a malformed number takes pypdf's path and its warning.
        if b"." in number:
            return float.__new__(FloatObject, float(number))
        return int.__new__(NumberObject, int(number))
    except ValueError:
        return FloatObject(number) if b"." in number else NumberObject(number)


def _array(data: bytes, position: int) -> tuple[ArrayObject, int] | None:
    """A flat array of numbers, names and strings from `[` at position; None otherwise."""
    items: list[Any] = []
    position += 1
    while True:
        match = _ARRAY_TOKEN.match(data, position)
        if match is None or match.lastgroup is None:
            return None
        position = match.end()
        if match.lastgroup == "close":
            return ArrayObject(items), position
        value = _value(match.lastgroup, match)
        if value is None:
            return None
        items.append(value)

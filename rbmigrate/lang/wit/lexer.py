"""Regex tokenizer for WIT, on bytes.

`tokenize(data, path)` returns every token of the input, trivia included, so
that the token texts concatenate to `data`. It rejects what `wasm-tools`
rejects at the lexical level: invalid UTF-8, control codes (other than tab,
LF and CR), a CR outside a comment that does not start a CRLF, bidirectional
override and deprecated code points, a BOM outside comments and strings
(except at the very start), malformed identifiers and strings, unterminated
block comments.
"""

from __future__ import annotations

import re
from itertools import accumulate

from .cst import KEYWORDS, Token
from .errors import WitSyntaxError

BOM = b"\xef\xbb\xbf"


def _block_comment(depth: int) -> bytes:
    """A `/* ... */` comment with nesting up to `depth` levels (deeper ones are
    handled by a manual scan)."""
    inner = rb"(?:[^*/]++|\*(?!/)|/(?!\*)"
    if depth > 0:
        inner += rb"|" + _block_comment(depth - 1)
    return rb"/\*" + inner + rb")*+\*/"


_ID = rb"%?(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(?:-(?:[a-z0-9]+|[A-Z0-9]+))*(?![A-Za-z0-9_-])"
_STRING = rb'"(?:[^"\\\x00-\x1f\x7f]++|\\[tnr"\'\\]|\\[0-9a-fA-F]{2}|\\u\{[0-9a-fA-F]++\})*+"'

_TOKEN_RX = re.compile(
    rb"(?:[ \t\n]++|\r\n)++"  # whitespace (a lone CR is an error)
    rb"|//[^\r\n]*+(?:\r(?!\n)[^\r\n]*+)*+"  # line comment, not including the line end
    rb"|" + _block_comment(4) +  # block comment
    rb"|/\*"  # unterminated or deeply nested block comment: manual scan
    rb"|" + _ID +  # identifier or keyword
    rb"|_(?![A-Za-z0-9_-])"  # underscore
    rb"|" + _STRING +  # string literal
    rb"|[0-9]++"  # integer
    rb"|->|[{}()<>,;:.=@/+\-*]"  # punctuation
    rb"|%?[A-Za-z_][A-Za-z0-9_-]*+|%"  # malformed identifier (error)
    rb'|"'  # malformed string (error)
    rb"|.",  # anything else (error)
    re.DOTALL,
)

# Characters wasm-tools rejects anywhere in a file (also inside comments).
_BAD_CHAR_RX = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # C0 controls but TAB LF CR, and DEL
    rb"|\xc2[\x80-\x9f]"  # C1 controls
    rb"|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"  # bidirectional overrides
    rb"|\xc5\x89|\xd9\xb3|\xe0\xbd[\xb7\xb9]|\xe1\x9e[\xa3\xa4\xb4]"  # deprecated code points
)

# Fast path for ASCII input: deleting these bytes leaves only rejected ones.
_ASCII_OK = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_PUNCT = frozenset(b"{}()<>,;:.=@/+-*")
_UNCACHED = frozenset({"line-comment", "doc-comment", "block-comment", "block-doc-comment", "string"})
_CACHE: dict[bytes, str] = {}
_WS0 = frozenset(b" \t\n\r")


def _classify(text: bytes) -> str | None:
    """Kind of a token text, None if the text is not a valid token."""
    c = text[0]
    if c in _WS0:
        return "whitespace" if text != b"\r" else None
    if text.startswith(b"//"):
        return "doc-comment" if text.startswith(b"///") else "line-comment"
    if text.startswith(b"/*"):
        if len(text) < 4 or not text.endswith(b"*/"):
            return None
        return "block-doc-comment" if text.startswith(b"/**") and text != b"/**/" else "block-comment"
    if c == 0x22:  # "
        return "string" if len(text) > 1 and _string_ok(text) else None
    if 0x30 <= c <= 0x39:
        return "integer"
    if text == b"->" or (len(text) == 1 and c in _PUNCT):
        return text.decode()
    if text == b"_":
        return "_"
    if re.fullmatch(_ID, text):
        s = text.decode()
        return s if s in KEYWORDS else "id"
    return None


_ESCAPE_RX = re.compile(rb'\\(?:([tnr"\'\\])|([0-9a-fA-F]{2})|u\{([0-9a-fA-F]+)\})')
_SIMPLE_ESCAPES = {b"t": b"\t", b"n": b"\n", b"r": b"\r", b'"': b'"', b"'": b"'", b"\\": b"\\"}


def decode_string(text: bytes) -> str:
    """The value of a string literal token (quotes included in `text`).

    Escapes: `\\t \\n \\r \\" \\' \\\\`, `\\hh` (a byte, two hex digits) and
    `\\u{h...}` (a Unicode scalar value); the bytes must form valid UTF-8.
    Raises ValueError otherwise.
    """
    body = text[1:-1]
    if b"\\" not in body:
        return body.decode("utf-8")
    out = bytearray()
    pos = 0
    for m in _ESCAPE_RX.finditer(body):
        out += body[pos : m.start()]
        simple, hexbyte, uni = m.groups()
        if simple is not None:
            out += _SIMPLE_ESCAPES[simple]
        elif hexbyte is not None:
            out.append(int(hexbyte, 16))
        else:
            v = int(uni, 16)
            if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
                raise ValueError(f"invalid unicode value 0x{v:x}")
            out += chr(v).encode("utf-8")
        pos = m.end()
    out += body[pos:]
    return out.decode("utf-8")


def _string_ok(text: bytes) -> bool:
    try:
        decode_string(text)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def tokenize(data: bytes, path: str = "<input>") -> list[Token]:
    """Split `data` into tokens covering every byte."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_wit expects bytes, got {type(data).__name__}")
    data = bytes(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise WitSyntaxError.at(
            data, path, e.start, "valid UTF-8", f"invalid byte 0x{data[e.start]:02x}"
        ) from None
    start = 3 if data.startswith(BOM) else 0
    if not data.isascii() or data.translate(None, _ASCII_OK):
        m = _BAD_CHAR_RX.search(data, start)
        if m is not None:
            raise _bad_char(data, path, m.start(), m.group())

    toks: list[Token] = []
    if start:
        toks.append(Token("bom", BOM, 0))
    pos = start
    get = _CACHE.get
    while True:
        texts = _TOKEN_RX.findall(data, pos)
        kinds = list(map(get, texts))
        if None in kinds:
            # Classify what the cache does not know; stop at the first text that
            # is no valid token (an error, or a block comment needing a scan).
            for n, (k, text) in enumerate(zip(kinds, texts)):
                if k is None:
                    k = _classify(text)
                    if k is None:
                        break
                    kinds[n] = k
                    if len(text) <= 32 and k not in _UNCACHED and len(_CACHE) < 100_000:
                        _CACHE[text] = k
            else:
                n = len(texts)
        else:
            n = len(texts)
        starts = list(accumulate(map(len, texts[:n]), initial=pos))
        toks.extend(map(Token, kinds[:n], texts[:n], starts))
        pos = starts[-1]
        if n == len(texts):
            return toks
        text = texts[n]
        if text != b"/*":
            raise _lex_error(data, path, pos, text)
        end = _scan_block_comment(data, path, pos)
        toks.append(Token(_classify(data[pos:end]), data[pos:end], pos))
        pos = end  # re-lex after the deeply nested comment


def _scan_block_comment(data: bytes, path: str, pos: int) -> int:
    depth = 0
    i = pos
    n = len(data)
    while i < n:
        two = data[i : i + 2]
        if two == b"/*":
            depth += 1
            i += 2
        elif two == b"*/":
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise WitSyntaxError.at(data, path, pos, "`*/` closing this block comment", "end of file")


def _bad_char(data: bytes, path: str, pos: int, raw: bytes) -> WitSyntaxError:
    ch = raw.decode("utf-8")
    cp = f"U+{ord(ch):04X}"
    if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
        what = f"control code {cp}"
    elif 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069:
        what = f"bidirectional override code point {cp}"
    else:
        what = f"deprecated code point {cp}"
    return WitSyntaxError.at(data, path, pos, "a valid character", what)


def _lex_error(data: bytes, path: str, pos: int, text: bytes) -> WitSyntaxError:
    if text == b"\r":
        return WitSyntaxError.at(data, path, pos, "`\\n` after `\\r`", "a lone carriage return")
    if text == b'"':
        return _string_error(data, path, pos)
    if text.startswith(b'"'):
        # a well-formed shape whose value is no valid string
        try:
            decode_string(text)
        except UnicodeDecodeError:
            return WitSyntaxError.at(
                data, path, pos, "a string whose escapes form valid UTF-8", "invalid UTF-8 in string"
            )
        except ValueError as e:
            return WitSyntaxError.at(data, path, pos, "a valid unicode scalar value", str(e))
    if text[:1] in (b"%",) or text[:1].isalpha() or text[:1] == b"_":
        return WitSyntaxError.at(
            data,
            path,
            pos,
            "an identifier (lowercase or uppercase words separated by single `-`)",
            f"`{text.decode()}`",
        )
    ch = data[pos : pos + 4].decode("utf-8", errors="ignore")[:1]
    if ch == "\ufeff":
        return WitSyntaxError.at(
            data, path, pos, "a token", "byte order mark U+FEFF past the start of the file"
        )
    return WitSyntaxError.at(data, path, pos, "a token", f"unexpected character {ch!r}")


def _string_error(data: bytes, path: str, pos: int) -> WitSyntaxError:
    i = pos + 1
    n = len(data)
    while i < n:
        c = data[i]
        if c == 0x22:
            break  # pragma: no cover - a closed valid string never gets here
        if c == 0x5C:  # backslash
            e = data[i + 1 : i + 2]
            if e == b"u":
                m = re.match(rb"\\u\{([0-9a-fA-F]+)\}", data[i : i + 64])
                if m is None:
                    return WitSyntaxError.at(
                        data, path, i, "a `\\u{...}` escape with hex digits", "a malformed escape"
                    )
                v = int(m.group(1), 16)
                if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
                    return WitSyntaxError.at(data, path, i, "a valid unicode scalar value", f"0x{v:x}")
                i += m.end()
                continue
            if e and e in b'tnr"\'\\':
                i += 2
                continue
            if e and e in b"0123456789abcdefABCDEF":
                e2 = data[i + 2 : i + 3]
                if e2 and e2 in b"0123456789abcdefABCDEF":
                    i += 3
                    continue
                found = "end of file" if not e2 else f"`{data[i + 2 : i + 6].decode('utf-8', 'ignore')[:1]}`"
                return WitSyntaxError.at(data, path, i, "two hex digits after `\\`", found)
            found = "end of file" if not e else f"`\\{data[i + 1 : i + 5].decode('utf-8', 'ignore')[:1]}`"
            return WitSyntaxError.at(
                data, path, i, "a string escape (`\\t \\n \\r \\\" \\' \\\\ \\hh \\u{..}`)", found
            )
        if c < 0x20 or c == 0x7F:
            return WitSyntaxError.at(
                data, path, i, "a closing `\"`", f"control character {chr(c)!r} in string"
            )
        i += 1
    return WitSyntaxError.at(data, path, pos, "a closing `\"`", "end of file")

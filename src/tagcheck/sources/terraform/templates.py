"""The text of HCL string templates, without the parser: escapes, ``<<-`` heredoc
indentation, and where the ``${…}``/``%{…}`` sequences of a text are. parser.py uses these
to turn heredoc bodies and ``.tf.json`` strings into quoted templates it can parse."""

from __future__ import annotations

import re


_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def repl(m: re.Match) -> str:
        esc = m.group(1)
        if esc[0] in "uU" and len(esc) > 1:
            code = int(esc[1:], 16)
            # not a Unicode scalar value (a surrogate, or above U+10FFFF): U+FFFD, as Go's HCL
            return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return _SIMPLE_ESCAPES.get(esc, "\\" + esc)

    return _ESCAPES.sub(repl, text)


def flush_heredoc(body: str) -> str:
    """``<<-``: the least indentation of the lines is cut from each. As HCL does, a line
    that starts inside a ``${…}`` is expression source, neither counted nor cut."""
    lines = body.split("\n")
    spans = iter(sequence_spans(body))
    span = next(spans, None)
    starts_outside, offset = [], 0
    for line in lines:
        while span is not None and span[1] <= offset:
            span = next(spans, None)
        starts_outside.append(span is None or not span[0] < offset < span[1])
        offset += len(line) + 1
    indents = [len(line) - len(line.lstrip()) for line, out in zip(lines, starts_outside) if out and line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] if out else line for line, out in zip(lines, starts_outside))


_SEQUENCE = re.compile(r"\$\$\{|%%\{|\$\{|%\{")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def quoted_template(text: str) -> str:
    """The body of a quoted string with the same template as ``text``. Only the literal
    text is escaped: a ``${…}``/``%{…}`` sequence is copied as it is, since it is an
    expression — its strings are HCL strings, and its newlines (``${jsonencode({`` ⏎ …)
    are ignored there, as inside brackets; escaped, it could not be parsed."""
    out, i = [], 0
    for start, end in sequence_spans(text):
        out.append(_escape(text[i:start]))
        out.append(text[start:end])
        i = end
    out.append(_escape(text[i:]))
    return "".join(out)


def sequence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each ``${…}``/``%{…}`` of a template's text; an unclosed one runs to
    the end (the parser then says so). ``$${`` and ``%%{`` are literal text."""
    spans, i = [], 0
    while (m := _SEQUENCE.search(text, i)) is not None:
        if m.group() in ("$${", "%%{"):
            i = m.end()
            continue
        end = _sequence_end(text, m.end())
        if end < 0:
            spans.append((m.start(), len(text)))
            break
        spans.append((m.start(), end))
        i = end
    return spans


def _sequence_end(text: str, i: int) -> int:
    """Index after the "}" that closes the sequence opened just before ``i``, or -1.
    Braces are counted, and skipped inside the sequence's quoted strings (which may hold
    sequences of their own); a stack, so that no text makes it recurse."""
    stack = ["{"]  # "{": in an expression, one brace level; '"': in a quoted string
    n = len(text)
    while i < n:
        c = text[i]
        if stack[-1] == '"':
            if c == "\\":
                i += 2
                continue
            if c == '"':
                stack.pop()
            elif text.startswith("$${", i) or text.startswith("%%{", i):
                i += 3
                continue
            elif c in "$%" and text.startswith("{", i + 1):
                stack.append("{")
                i += 2
                continue
        elif c == '"':
            stack.append('"')
        elif c == "{":
            stack.append("{")
        elif c == "}":
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    return -1

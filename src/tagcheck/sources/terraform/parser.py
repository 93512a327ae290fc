"""Terraform text → tagcheck's own expression tree. The only module that imports hcl2.

python-hcl2's typed tree is walked once here and turned into plain tuples, dicts and
strings (see ``Block``/expression forms below). Everything after this module works on
that plain form, which is why a parsed file can be cached (``marshal``) and a warm run
never imports hcl2 or lark.

We parse with python-hcl2's grammar (two terminals patched: :data:`_GRAMMAR_PATCHES`) and
tagcheck's own post-lexer into the raw lark tree (what
``hcl2.parses_to_tree`` returns) rather than the LarkElement tree that ``hcl2.parses``
builds from it, and without lark's position bookkeeping (see :func:`_parser`): skipping
the transform pass saves about a third of the parse time, the positions about half of
what is left.

Newlines and comments (:class:`_PostLexer`, issue #12). Terraform ignores newlines inside
``( )``, ``[ ]``, ``${ }`` and a ``{ for … }`` expression, and nowhere else: in a block body
and an object constructor they end an item. python-hcl2's grammar instead allows them at
chosen places, everywhere, so valid code failed to parse where it has no slot for one
(``{ for c in l : c`` ⏎ ``=> c }``, ``for k,`` ⏎ ``v in …``, ``(a ?`` ⏎ ``b`` ⏎ ``: c)``, ``...``
on its own line, ``/* */`` anywhere), and invalid code parsed where it has (``a = b`` ⏎
``|| c`` in a body). Rather than patch each slot, the post-lexer applies HCL's own rule
(hclsyntax's ``PushIncludeNewlines``): it tracks the brackets, drops the newline and
comment tokens where Terraform ignores them, and raises a syntax error where a newline
would join two lines Terraform keeps apart. The grammar's slots are then reachable only
where Terraform accepts a newline. Checked against ``terraform fmt`` (1.11) on ~2,900
shapes (a newline, a line comment and an inline comment put in each gap of ~80
expressions and bodies) and on the public repositories of ``bench/realworld.py``. Still
accepted, as by hcl2, though Terraform rejects them — shapes working code does not have:
a newline inside a quoted string, object items with no separator (``{a = 1 b = 2}``),
``{for = 1}``, one-line block layouts (``b {`` ⏎ ``a = 1 }``) and a newline inside a splat
marker outside brackets.

The JSON syntax (``.tf.json``) is converted by hcl_json.py, and the text of templates
(escapes, heredoc indentation, where the ``${…}`` are) is templates.py; neither imports
hcl2. Heredocs and ``.tf.json`` strings are parsed as quoted templates, escaping only their
literal text: a ``${…}`` inside is an expression, kept as written, so it may span lines.

Expression forms (tuples, first item names the form):
    ("lit", value)                      str, int, float, bool or None
    ("tpl", parts)                      string template; parts are str or expressions
    ("tuple", items) · ("object", ((key_expr, value_expr), ...))
    ("ref", name)                       a bare name: var, local, each, aws_instance, …
    ("attr", expr, name) · ("index", expr, key_expr) · ("splat", expr, ops)
    ("call", name, args, expand_last)
    ("cond", cond, if_true, if_false) · ("bin", op, left, right) · ("un", op, expr)
    ("for", key_var, value_var, collection, key_expr|None, value_expr, cond|None, grouping)
    ("unsupported", what)               parsed but not evaluated (template directives)

Limits (hardening, issue #8):

* **Nesting.** lark parses any depth (its LALR parser does not recurse), but turning its
  tree into the plain form, evaluating it and caching it all recurse, so a file whose
  blocks and expressions nest more than :data:`MAX_NESTING` levels (2,000 parentheses,
  a generated map 500 levels deep) is a :class:`ParseError` — TC001 at the line where
  the limit is crossed — and never a ``RecursionError``. Real configurations stay far
  below it (ten levels is a lot); the limit keeps every later stage well inside
  Python's default recursion limit.
* **Garbage collection** is paused while a file is parsed: the tree of a large file is
  millions of small objects, and the collector re-walking them made parsing quadratic
  (measured: 1.6 MB of HCL took 39 s with the collector running, 7.5 s without). Lark
  trees hold no reference cycles, so nothing is left for the collector afterwards.
* **Numbers** too long for Python's int conversion (over 4,300 digits) are not
  evaluated (unknown, with the reason), and ``\\u``/``\\U`` escapes that name no Unicode
  scalar value (surrogates, above U+10FFFF) become U+FFFD, as Go's HCL does.
* File **size** is checked before this module is reached (``source.py``): see
  ``DEFAULT_MAX_FILE_BYTES`` there.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hcl2
import hcl2.parser
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from tagcheck.sources.terraform.hcl_json import JsonConverter
from tagcheck.sources.terraform.syntax import MAX_NESTING, Block, ParseError, TooDeep, too_deep_error
from tagcheck.sources.terraform.templates import flush_heredoc, quoted_template, unescape

HCL2_VERSION = getattr(hcl2, "__version__", "unknown")


# python-hcl2's grammar, with the splat markers as HCL scans them: `[*]` and `.*` are three
# and two tokens there, so `a[ * ]` or `a. /* all */ *` is valid Terraform; hcl2 has one
# terminal for each, which allowed nothing inside. (A newline inside too: Terraform takes
# it only within brackets, but a terminal cannot tell, and `a[` ⏎ `*]` is rare enough.)
# A patch whose line is gone (another hcl2 release) is skipped: the tests of these shapes
# then fail, not the users' runs.
_GAP = r"(?:\s|\/\*(?:[^*]|\*(?!\/))*\*\/)*"  # whitespace and inline comments
_GRAMMAR_PATCHES = (
    ('ATTR_SPLAT : ".*"', rf"ATTR_SPLAT : /\.{_GAP}\*/"),
    ('FULL_SPLAT_START : "[*]"', rf"FULL_SPLAT_START : /\[{_GAP}\*{_GAP}\]/"),
)


@functools.lru_cache(maxsize=1)
def _grammar() -> str:
    text = (Path(hcl2.parser.__file__).parent / "hcl2.lark").read_text(encoding="utf-8")
    for old, new in _GRAMMAR_PATCHES:
        text = text.replace(old, new)
    return text


def _grammar_cache_file() -> str | bool:
    """Where lark keeps the analysed grammar tables (building them costs ~1.4 s; loading
    them ~0.05 s): tagcheck's cache home, else lark's own file in the temporary directory.
    lark checks a hash of the grammar and options stored in the file, so a stale or torn
    file is rebuilt, never trusted; the name carries both versions and a digest of the
    grammar as patched here, so that upgrades — of hcl2, lark or these patches — do not
    fight over one file."""
    from lark import __version__ as lark_version

    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tagcheck"
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        return True
    if not os.access(home, os.W_OK):
        return True
    digest = hashlib.sha256(_grammar().encode()).hexdigest()[:12]
    return str(home / f"grammar-hcl2-{HCL2_VERSION}-lark-{lark_version}-{digest}.bin")


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    """python-hcl2's grammar (:data:`_GRAMMAR_PATCHES`) with tagcheck's post-lexer, without
    ``propagate_positions``.

    hcl2's parser asks lark to compute the start and end position of every tree node; that
    bookkeeping is about half of the parse time (measured on the benchmark corpus: 8.6 s
    with it, 4.9 s without). tagcheck needs positions only for blocks and attributes, so it
    takes them from the first and last token below those nodes (:func:`_first_line`,
    :func:`_last_line`) — the same rule lark applies."""
    return Lark(_grammar(), parser="lalr", propagate_positions=False, postlex=_PostLexer(),
                cache=_grammar_cache_file())


_OPENERS = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE", "INTERP_START": "RBRACE",
            "DIRECTIVE_START": "RBRACE"}
# a "{" right after one of these opens a block body (`resource "a" "b" {`, `tags {`), never
# an expression: it cannot be a `for`, even when its first attribute is named `for`
_BLOCK_HEAD = frozenset({"NAME", "DBLQUOTE", "IN", "FOR", "IF", "FOR_EACH", "ELSE", "ENDIF", "ENDFOR",
                         "TRUE", "FALSE", "NULL"})
_OPERATORS = frozenset({"DOUBLE_EQ", "NEQ", "LT", "GT", "LEQ", "GEQ", "ASTERISK", "SLASH", "PERCENT",
                        "DOUBLE_AMP", "DOUBLE_PIPE", "PLUS", "MINUS", "NOT", "QMARK"})
# where newlines count, an expression cannot end on these (`a ||` ⏎ `b`, `x =` ⏎ `1`) …
_NO_LINE_END = _OPERATORS | {"EQ", "COLON"}
# … nor go on with these on the next line (`a` ⏎ `? b : c`, `{ a = 1` ⏎ `, b = 2 }`) …
_NO_LINE_START = (_OPERATORS - {"MINUS", "NOT"}) | {"COLON", "COMMA"}
# … and in a body, where a line starts with a name, nor with these (`a = b` ⏎ `- c`, a block
# header with its "{" on the next line); in an object constructor "-" may start a key
_NO_BODY_LINE_START = frozenset({"MINUS", "LBRACE"})


class _LineBreak(Exception):
    """A newline where Terraform ends the expression (or the block header) and hcl2's
    grammar would go on: a syntax error in Terraform, so one here."""

    def __init__(self, message: str, token: Token):
        super().__init__(message)
        self.message, self.line, self.column = message, token.line, token.column


_JOINED_ONLY_IN_BRACKETS = "Terraform joins lines only inside ( ), [ ] and for expressions"


class _PostLexer:
    """Newlines and comments as Terraform reads them (see the module docstring). It
    replaces python-hcl2's post-lexer, whose one pass glued a newline to the binary
    operator after it: that continues a line outside brackets, where Terraform does not."""

    # Every lexer state must produce newlines and comments, so that this pass decides
    # what they mean: lark's contextual lexer only tries the terminals the parser accepts
    # next, so where hcl2's grammar has no newline slot (`for k,` ⏎ `v in …`, `a.` ⏎ `b`)
    # the text could not even be lexed. Not part of the grammar tables: lark builds the
    # contextual lexer from it when it loads them, cached or not.
    always_accept = ("NL_OR_COMMENT",)

    def process(self, stream):
        # Tokens pass straight through: lark's contextual lexer reads each token in the
        # parser state the previous ones left, so none may be held back. An expression's
        # "{" is undecided (None) until its first token that is not a newline shows whether
        # it opens a `for` expression — as HCL decides it: `{for = 1}` is not an object
        # there. The newlines before that token are allowed after "{" either way.
        stack: list[list] = []  # [closing token type, newlines ignored: True|False|None, a body]
        top: list | None = None
        prev: Token | None = None  # the last token passed on
        kind_before = ""  # and its type
        for token in stream:
            kind = token.type
            if kind == "NL_OR_COMMENT":
                if token.startswith("/*"):
                    continue  # an inline comment is whitespace, wherever it is (HCL spec)
                if top is not None and top[1]:
                    continue
                if kind_before in _NO_LINE_END:
                    raise _LineBreak(f"syntax error: a newline after {str(prev).strip()!r}; "
                                     + _JOINED_ONLY_IN_BRACKETS, prev)
            elif kind_before == "NL_OR_COMMENT":
                if kind in _NO_LINE_START:
                    raise _LineBreak(f"syntax error: {str(token).strip()!r} at the start of a line; "
                                     + _JOINED_ONLY_IN_BRACKETS, token)
                if kind in _NO_BODY_LINE_START and (top is None or top[2]):
                    if kind == "LBRACE":
                        raise _LineBreak('syntax error: a block\'s "{" must be on the line of its type '
                                         "and labels", prev)
                    raise _LineBreak(f"syntax error: {str(token)!r} at the start of a line; "
                                     + _JOINED_ONLY_IN_BRACKETS, token)
            if top is not None and top[1] is None and kind != "NL_OR_COMMENT":
                top[1] = kind == "FOR"
            if kind in _OPENERS:
                if kind != "LBRACE":
                    top = [_OPENERS[kind], True, False]
                elif kind_before in _BLOCK_HEAD:
                    top = ["RBRACE", False, True]
                else:
                    top = ["RBRACE", None, False]
                stack.append(top)
            elif top is not None and kind == top[0]:
                stack.pop()
                top = stack[-1] if stack else None
            prev, kind_before = token, kind
            yield token


class _Depth(threading.local):
    value = 0


_DEPTH = _Depth()


@contextmanager
def _parsing():
    """Collector paused, nesting counted from zero, nesting overflow as a ParseError."""
    enabled = gc.isenabled()
    gc.disable()
    saved, _DEPTH.value = _DEPTH.value, 0
    try:
        yield
    except TooDeep as exc:
        raise too_deep_error(exc.line) from None
    except RecursionError:  # a shape the nesting count does not see; still a clear error
        raise ParseError("nested too deeply to parse") from None
    finally:
        _DEPTH.value = saved
        if enabled:
            gc.enable()


def parse_file(path: Path, text: str) -> list[Block]:
    """Parse one ``.tf`` or ``.tf.json`` file into its top-level blocks."""
    with _parsing():
        if path.name.endswith(".tf.json") or path.suffix == ".json":
            return JsonConverter(text, _STRINGS).blocks()
        return parse_hcl(text)


def parse_hcl(text: str) -> list[Block]:
    with _parsing():
        body = _children(_tree_or_error(text))[0]
        return [b for b in _body(body)[1]]


def parse_attribute_file(text: str) -> dict[str, tuple[Any, int]]:
    """A ``.tfvars`` file: only attributes."""
    with _parsing():
        attrs, _ = _body(_children(_tree_or_error(text))[0])
        return attrs


def parse_expression(text: str) -> Any:
    """One expression given on its own (``--var name={a = 1}``)."""
    attrs = parse_attribute_file(f"v = {text}\n")
    return attrs["v"][0]


def _tree_or_error(text: str) -> Tree:
    try:
        # the trailing newline: hcl2's grammar needs one after the last line (hcl2 adds it too)
        return _parser().parse(text + "\n")
    except _LineBreak as exc:
        raise ParseError(exc.message, exc.line, exc.column) from None
    except UnexpectedInput as exc:
        raise ParseError(_describe_syntax_error(exc), getattr(exc, "line", None), getattr(exc, "column", None)) from None


def _describe_syntax_error(exc: UnexpectedInput) -> str:
    token = getattr(exc, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return "syntax error: unexpected end of file (unclosed block or string?)"
    if token is not None and getattr(token, "type", "") == "NL_OR_COMMENT":
        return "syntax error: unexpected end of line" if token.startswith("\n") else "syntax error: unexpected comment"
    if token is not None:
        return f"syntax error: unexpected {str(token)!r}"
    char = getattr(exc, "char", None)
    if char is not None:
        return f"syntax error: unexpected character {char!r}"
    return "syntax error"


# --- HCL native syntax ---------------------------------------------------------------

def _children(tree: Tree) -> list[Tree]:
    """Sub-rules of a node, without tokens and newline/comment nodes."""
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _body(body: Tree) -> tuple[dict[str, tuple[Any, int]], list[Block]]:
    attrs: dict[str, tuple[Any, int]] = {}
    blocks: list[Block] = []
    for node in _children(body):
        if node.data == "attribute":
            name_node, value = _children(node)[0], _children(node)[-1]
            attrs[_name(name_node)] = (_expr(value), _first_line(node))
        elif node.data == "block":
            parts = _children(node)
            inner = parts[-1]
            head = [_name(p) if p.data != "string" else _plain_string(p) for p in parts[:-1]]
            depth = _DEPTH.value + 1
            if depth > MAX_NESTING:
                raise TooDeep(_first_line(node))
            _DEPTH.value = depth
            try:
                sub_attrs, sub_blocks = _body(inner)
            finally:
                _DEPTH.value = depth - 1
            blocks.append(Block(head[0], tuple(head[1:]), _first_line(node), _last_line(node), sub_attrs,
                                sub_blocks))
    return attrs, blocks


def _first_line(node: Tree) -> int | None:
    """The line of the first token below ``node`` (lark's ``meta.line``)."""
    token = _edge_token(node, first=True)
    return token.line if token is not None else None


def _last_line(node: Tree) -> int | None:
    """The line where the last token below ``node`` ends (lark's ``meta.end_line``)."""
    token = _edge_token(node, first=False)
    return token.end_line if token is not None else None


def _edge_token(node: Tree, first: bool) -> Token | None:
    """Depth-first without recursion: the deepest trees are what the nesting check reports."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            return item
        if isinstance(item, Tree):
            stack.extend(reversed(item.children) if first else item.children)
    return None


def _name(node: Tree) -> str:
    """identifier / keyword / literal_value used as a name. Names are interned: a monorepo
    repeats ``instance_type`` or ``team`` in every resource, and every evaluated resource
    (and every cache entry, which marshal writes with the flag) then shares one string."""
    return sys.intern(str(node.children[0]))


def _plain_string(node: Tree) -> str:
    parts = _string_parts(node)
    return "".join(p if isinstance(p, str) else "${…}" for p in parts)


def _expr(node: Tree) -> Any:
    kind = node.data
    handler = _HANDLERS.get(kind)
    if handler is None:
        return ("unsupported", kind)
    depth = _DEPTH.value + 1
    if depth > MAX_NESTING:
        raise TooDeep(_first_line(node))
    _DEPTH.value = depth
    try:
        return handler(node)
    finally:
        _DEPTH.value = depth - 1


def _expr_term(node: Tree) -> Any:
    inner = _children(node)
    if not inner:
        return ("unsupported", "empty expression")
    # ( expression ) keeps only the inner expression
    return _expr(inner[0])


def _string(node: Tree) -> Any:
    return _template(_string_parts(node))


def _template(parts: list) -> Any:
    if not parts:
        return ("lit", "")
    if all(isinstance(p, str) for p in parts):
        return ("lit", "".join(parts))
    return ("tpl", tuple(parts))


def _string_parts(node: Tree) -> list:
    parts: list = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue  # the quotes
        (piece,) = part.children
        if isinstance(piece, Token):
            if piece.type == "STRING_CHARS":
                _append_text(parts, unescape(str(piece)))
            elif piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                _append_text(parts, str(piece)[1:])  # $${x} → literal ${x}
            else:
                _append_text(parts, str(piece))
        elif piece.data == "interpolation":
            parts.append(_expr(_children(piece)[0]))
        else:  # %{if}/%{for} directives: kept, never guessed
            parts.append(("unsupported", "template directive"))
    return parts


def _append_text(parts: list, text: str) -> None:
    if parts and isinstance(parts[-1], str):
        parts[-1] += text
    else:
        parts.append(text)


def _heredoc(node: Tree) -> Any:
    raw = str(node.children[0])
    trim = raw.startswith("<<-")
    first_nl = raw.index("\n")
    body = raw[first_nl + 1:]
    body = body[: body.rstrip("\n").rfind("\n") + 1] if "\n" in body.rstrip("\n") else ""
    if trim:
        body = flush_heredoc(body)
    return _template_from_text(body)


def _template_from_text(text: str) -> Any:
    """Parse free text (a heredoc body, a JSON string) as an HCL string template."""
    if "${" not in text and "%{" not in text:
        return ("lit", text.replace("$${", "${").replace("%%{", "%{"))
    try:
        return parse_expression(f'"{quoted_template(text)}"')
    except ParseError:
        return ("unsupported", "template that cannot be parsed")


class _Strings:
    """How .tf.json strings are parsed (hcl_json.StringParser)."""

    def template(self, text: str) -> Any:
        return _template_from_text(text)

    def expression(self, text: str) -> Any:
        return parse_expression(text)


_STRINGS = _Strings()


def _int(node: Tree) -> Any:
    text = str(node.children[0])
    try:
        return ("lit", int(text))
    except ValueError:  # over Python's 4,300-digit conversion limit
        return ("unsupported", f"a number literal of {len(text)} digits")


def _float(node: Tree) -> Any:
    return ("lit", float(str(node.children[0])))


def _literal(node: Tree) -> Any:
    return ("lit", {"true": True, "false": False, "null": None}[str(node.children[0])])


def _identifier(node: Tree) -> Any:
    return ("ref", sys.intern(str(node.children[0])))


def _tuple(node: Tree) -> Any:
    return ("tuple", tuple(_expr(c) for c in _children(node)))


def _object(node: Tree) -> Any:
    items = []
    for elem in _children(node):
        key_node, value_node = _children(elem)
        items.append((_object_key(key_node), _expr(value_node)))
    return ("object", tuple(items))


def _object_key(key: Tree) -> Any:
    plain = _object_key_expr(key)
    if plain[0] == "lit" and isinstance(plain[1], str):
        return ("lit", sys.intern(plain[1]))  # tag keys recur on every resource (see _name)
    return plain


def _object_key_expr(key: Tree) -> Any:
    (inner,) = _children(key) or [None]
    if inner is None or inner.data == "keyword":
        return ("lit", str(key.children[0].children[0]) if inner is not None else "")
    # a bare name is a literal key; `(expr)` is evaluated
    if inner.data == "expr_term":
        sub = _children(inner)
        has_parens = any(isinstance(c, Token) and c.type == "LPAR" for c in inner.children)
        if not has_parens and len(sub) == 1 and sub[0].data in ("identifier", "keyword", "literal_value"):
            return ("lit", str(sub[0].children[0]))
    return _expr(inner)


def _function_call(node: Tree) -> Any:
    names = [str(c.children[0]) for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    name = "::".join(names)
    args_nodes = [c for c in node.children if isinstance(c, Tree) and c.data == "arguments"]
    args: tuple = ()
    expand = False
    if args_nodes:
        args = tuple(_expr(c) for c in _children(args_nodes[0]))
        expand = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in args_nodes[0].children)
    return ("call", name, args, expand)


def _traversal_op(op: Tree) -> tuple:
    if op.data == "get_attr":
        return ("attr", str(_children(op)[0].children[0]))
    if op.data == "short_index":
        return ("index", ("lit", int(str(op.children[1]))))
    return ("index", _expr(_children(op)[0]))  # braces_index


def _get_attr(node: Tree) -> Any:
    base, op = _children(node)
    kind, arg = _traversal_op(op)
    return (kind, _expr(base), arg)


def _index(node: Tree) -> Any:
    base, op = _children(node)
    return ("index", _expr(base), _traversal_op(op)[1])


def _splat(node: Tree) -> Any:
    base, splat = _children(node)
    return ("splat", _expr(base), tuple(_traversal_op(op) for op in _children(splat)))


def _conditional(node: Tree) -> Any:
    cond, yes, no = _children(node)
    return ("cond", _expr(cond), _expr(yes), _expr(no))


def _binary(node: Tree) -> Any:
    left, term = _children(node)
    op_node, right = _children(term)
    op = str(op_node.children[0]).split()[-1]  # the postlexer may glue a newline/comment in front
    return ("bin", op, _expr(left), _expr(right))


def _unary(node: Tree) -> Any:
    op = str(node.children[0])
    return ("un", op, _expr(_children(node)[0]))


def _for(node: Tree) -> Any:
    parts = _children(node)
    intro, rest = parts[0], parts[1:]
    names = [str(c.children[0]) for c in _children(intro) if c.data == "identifier"]
    collection = _expr(_children(intro)[-1])
    key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
    cond = None
    if rest and rest[-1].data == "for_cond":
        cond = _expr(_children(rest[-1])[0])
        rest = rest[:-1]
    grouping = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children)
    if node.data == "for_object_expr":
        key_expr, value_expr = (_expr(rest[0]), _expr(rest[1]))
    else:
        key_expr, value_expr = None, _expr(rest[0])
    return ("for", key_var, value_var, collection, key_expr, value_expr, cond, grouping)


_HANDLERS = {
    "expr_term": _expr_term,
    "string": _string,
    "int_lit": _int,
    "float_lit": _float,
    "literal_value": _literal,
    "identifier": _identifier,
    "keyword": _identifier,
    "tuple": _tuple,
    "object": _object,
    "function_call": _function_call,
    "get_attr_expr_term": _get_attr,
    "index_expr_term": _index,
    "attr_splat_expr_term": _splat,
    "full_splat_expr_term": _splat,
    "conditional": _conditional,
    "binary_op": _binary,
    "unary_op": _unary,
    "for_tuple_expr": _for,
    "for_object_expr": _for,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "template_string": lambda n: ("lit", unescape(str(n.children[0])[2:-2])),
}



"""Reading the user's YAML files (usage, policy, scenarios): one clear line on any problem.

Files are untrusted: text that is not UTF-8 (binary, UTF-16), a key written twice (YAML would
let the last one win without a word), an integer too long to convert, or nesting deep enough
to exhaust the stack is bad input, never a traceback.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from planner.errors import InputError

MAX_FILE_BYTES = 64 * 1024 * 1024  # no usage, policy or scenarios file comes near this


class _NoDuplicates:
    """A loader mixin: a mapping that names one key twice is an error at that key's line."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: the base loader reports it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


@cache
def _strict(loader: type) -> type:
    return type(f"Strict{loader.__name__}", (_NoDuplicates, loader), {})


def parse_yaml(text: str, label: str, loader: type = yaml.SafeLoader) -> object:
    try:
        return yaml.load(text, Loader=_strict(loader))  # noqa: S506 - SafeLoader kinds only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark else ""
        problem = getattr(exc, "problem", None)
        detail = f" ({problem})" if problem else ""
        raise InputError(f"{label}:{where} not valid YAML{detail}") from None
    except ValueError as exc:  # int("1" * 5000): beyond Python's integer conversion limit
        raise InputError(f"{label}: a number in the file is too long ({exc.args[0][:40]}...)"
                         ) from None
    except RecursionError:
        raise InputError(f"{label}: nested too deeply to be a kmsplan file") from None


def read_text(path: str | Path, what: str) -> str:
    """A user's file as UTF-8 text (a BOM is allowed), or one line saying why it is not."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{path}: the {what} is larger than {MAX_FILE_BYTES // 2**20} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        kind = "UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "UTF-8"
        detail = (f"it is {kind} text; save it as UTF-8" if kind == "UTF-16"
                  else f"byte {exc.start} is not UTF-8 (a binary file?)")
        raise InputError(f"{path}: the {what} is not UTF-8 text: {detail}") from None
    if "\x00" in text:
        raise InputError(f"{path}: the {what} is not text (it holds NUL bytes)")
    return text


def read_yaml(path: str | Path, what: str, loader: type = yaml.SafeLoader) -> object:
    """The parsed file; `what` names it in errors ("usage file", "policy file", ...)."""
    return parse_yaml(read_text(path, what), str(path), loader)

"""Reading the user's YAML files (usage, policy, scenarios): one clear line on any problem."""

from __future__ import annotations

from pathlib import Path

import yaml

from planner.errors import InputError


def parse_yaml(text: str, label: str, loader: type = yaml.SafeLoader) -> object:
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - callers pass SafeLoader kinds
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputError(f"{label}:{where}: {problem}") from None


def read_yaml(path: str | Path, what: str, loader: type = yaml.SafeLoader) -> object:
    """The parsed file; `what` names it in errors ("usage file", "policy file", ...)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    return parse_yaml(text, str(path), loader)

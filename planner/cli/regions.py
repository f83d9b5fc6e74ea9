"""Region names checked against botocore's partition data, with a suggestion for a typo."""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
from pathlib import Path

from planner.errors import InputError


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition botocore knows (read from its data file directly:
    importing botocore would cost --help its speed)."""
    spec = importlib.util.find_spec("botocore")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    data = json.loads((folder / "partitions.json").read_text("utf-8"))
    return frozenset(name for partition in data["partitions"]
                     for name in partition["regions"] if not name.endswith("-global"))


def check_region(name: str, option: str = "--region") -> str:
    if name in known_regions():
        return name
    close = difflib.get_close_matches(name, sorted(known_regions()), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else " (a name such as us-east-1)"
    raise InputError(f"{option}: {name!r} is not an AWS region botocore knows{hint}")


def parse_region_list(text: str, option: str = "--regions", allow_all: bool = False
                      ) -> list[str]:
    """'us-east-1,eu-west-1' -> names, each checked; 'all' as is where allowed."""
    names = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if allow_all and names == ["all"]:
        return names
    if not names:
        every = ", or 'all'" if allow_all else ""
        raise InputError(f"{option}: give region names separated by commas{every}")
    return [check_region(name, option) for name in names]

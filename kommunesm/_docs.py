"""Parameter documentation shared between functions (internal).

seaborn's ``_core_docs`` idea: a parameter that many functions take is documented once,
in a mapping, and a line ``{name}`` in a docstring is replaced by its entry, indented
like the line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def filler(shared: Mapping[str, str]) -> Callable[[F], F]:
    """A decorator that fills a function's ``{name}`` docstring lines from ``shared``."""

    def fill(func: F) -> F:
        out = []
        for line in (func.__doc__ or "").splitlines():
            key = line.strip()
            if key.startswith("{") and key.endswith("}") and key[1:-1] in shared:
                pad = line[: len(line) - len(line.lstrip())]
                out += [pad + x if x else x for x in shared[key[1:-1]].splitlines()]
            else:
                out.append(line)
        func.__doc__ = "\n".join(out)
        return func

    return fill

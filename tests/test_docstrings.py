"""Every public function has a numpydoc docstring with typed Parameters and Returns.

"Public" is every name in ``kommunesm.__all__`` and every function a public module
(no leading underscore in its dotted path) lists in its ``__all__`` (or, without
``__all__``, defines under a name without a leading underscore). Checked with numpydoc's
own validator: GL08 (no docstring), PR01 (a parameter not documented), PR02 (a documented
parameter that does not exist), PR04 (a parameter without a type), RT01 (no Returns
section). Core functions also need an Examples section (EX01), which ``--doctest-modules``
runs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import kommunesm  # noqa: E402

REQUIRED = {"GL08", "PR01", "PR02", "PR04", "RT01"}

#: Functions that must show how they are called (Examples, run as doctests).
CORE_WITH_EXAMPLES = (
    "kommunesm.metrics.table.page_table",
    "kommunesm.ranking.gambit_points",
    "kommunesm.ranking.top_n",
    "kommunesm.metrics.engagement.interactions",
    "kommunesm.metrics.engagement.engagement_rate",
    "kommunesm.metrics.engagement.engagement_rate_per_post",
    "kommunesm.metrics.engagement.engagement_rate_daily",
    "kommunesm.metrics.engagement.bonson_indices",
    "kommunesm.metrics.quality.quality_indicator",
    "kommunesm.metrics.response.response_times",
    "kommunesm.participation.profile",
    "kommunesm.hypotheses.reliability.reliability_table",
    "kommunesm.references.cite",
)


def _public_modules() -> list[str]:
    names = ["kommunesm"]
    for info in pkgutil.walk_packages(kommunesm.__path__, "kommunesm."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") for p in parts) or parts[0] == "cli":
            continue
        names.append(info.name)
    return names


def _public_functions() -> list[str]:
    found = set()
    for name in _public_modules():
        module = importlib.import_module(name)
        exported = getattr(module, "__all__", None)
        if exported is None:
            exported = [n for n in vars(module) if not n.startswith("_")]
        for attr in exported:
            obj = getattr(module, attr, None)
            if inspect.isfunction(obj) and obj.__module__ == name:
                found.add(f"{name}.{attr}")
    return sorted(found)


def _front_door() -> list[str]:
    names = []
    for attr in getattr(kommunesm, "__all__", []):
        obj = getattr(kommunesm, attr)
        if inspect.isfunction(obj):
            names.append(f"{obj.__module__}.{obj.__qualname__}")
        elif inspect.isclass(obj) or inspect.ismodule(obj):
            assert inspect.getdoc(obj), f"kommunesm.{attr} has no docstring"
    return names


def _problems(import_path: str, required: set[str]) -> list[str]:
    result = numpydoc_validate.validate(import_path)
    return [f"{code} {msg}" for code, msg in result["errors"] if code in required]


PUBLIC = sorted(set(_public_functions()) | set(_front_door()))


def test_there_are_public_functions():
    assert len(PUBLIC) > 50


@pytest.mark.parametrize("import_path", PUBLIC)
def test_numpydoc_docstring(import_path):
    problems = _problems(import_path, REQUIRED)
    assert not problems, f"{import_path}:\n" + "\n".join(problems)


@pytest.mark.parametrize("import_path", CORE_WITH_EXAMPLES)
def test_core_functions_have_examples(import_path):
    assert not _problems(import_path, {"GL08", "EX01"}), f"{import_path} needs Examples"

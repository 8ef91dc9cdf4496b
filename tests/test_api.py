"""The front door: ``import kommunesm as ksm`` gives a small, documented, flat API."""

from __future__ import annotations

import inspect
import subprocess
import sys
import types

import pytest

import kommunesm as ksm


def test_front_door_is_small_and_documented():
    assert len(ksm.__all__) <= 80
    assert len(set(ksm.__all__)) == len(ksm.__all__)
    for name in ksm.__all__:
        if name == "__version__":
            continue
        obj = getattr(ksm, name)
        doc = inspect.getdoc(obj) or ""
        assert doc.strip(), f"ksm.{name} has no docstring"
        assert not isinstance(obj, types.ModuleType), f"ksm.{name} is a module"


def test_subpackages_are_attributes():
    for name in ("io", "metrics", "stats", "hypotheses", "datasets", "plots", "report"):
        assert isinstance(getattr(ksm, name), types.ModuleType)
        assert name in dir(ksm)
    with pytest.raises(AttributeError):
        _ = ksm.no_such_thing


def test_import_is_light_and_quiet():
    code = (
        "import sys, warnings\n"
        "warnings.filterwarnings('error', module=r'kommunesm(\\..*)?$')\n"
        "import kommunesm\n"
        "heavy = [m for m in ('pandas', 'matplotlib', 'statsmodels', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "for name in kommunesm.__all__:\n"
        "    getattr(kommunesm, name)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr

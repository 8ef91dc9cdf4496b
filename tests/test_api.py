"""The front door: ``import kommunesm as ksm`` gives a small, documented, flat API."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
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


def _packages() -> list[str]:
    found = ["kommunesm"]
    for info in pkgutil.walk_packages(ksm.__path__, "kommunesm."):
        if info.ispkg and ".data" not in info.name:
            found.append(info.name)
    return found


@pytest.mark.parametrize("package", _packages())
def test_no_module_is_shadowed_by_a_function(package):
    pkg = importlib.import_module(package)
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_") or info.name == "data":
            continue
        full = f"{package}.{info.name}"
        importlib.import_module(full)
        attr = getattr(pkg, info.name)
        assert isinstance(attr, types.ModuleType), f"{full} is shadowed by {attr!r}"


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

"""The library's layers, read from its source with :mod:`ast` (nothing is imported).

Lower layers never import higher ones: ``stats`` and ``metrics`` compute on DataFrames
and know nothing of files (``io``), municipalities (``registry``), the demo, plots or
the report; and no module imports another that (directly or not) imports it back.
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kommunesm

PACKAGE = Path(kommunesm.__file__).resolve().parent

#: Modules (and packages, with everything under them) that a layer must not import.
FORBIDDEN = {
    "kommunesm.stats": (
        "kommunesm.io",
        "kommunesm.registry",
        "kommunesm.demo",
        "kommunesm.report",
        "kommunesm.plots",
        "kommunesm.datasets",
        "kommunesm.metrics",
        "kommunesm.ranking",
        "kommunesm.participation",
        "kommunesm.hypotheses",
        "kommunesm.annual",
        "kommunesm.cli",
    ),
    "kommunesm.metrics": (
        "kommunesm.io",
        "kommunesm.registry",
        "kommunesm.demo",
        "kommunesm.report",
        "kommunesm.plots",
        "kommunesm.datasets",
        "kommunesm.ranking",
        "kommunesm.participation",
        "kommunesm.hypotheses",
        "kommunesm.annual",
        "kommunesm.cli",
    ),
    "kommunesm.schema": ("kommunesm.",),
    "kommunesm.errors": ("kommunesm.",),
}
#: What the bottom layer may import after all.
ALLOWED = {"kommunesm.schema": ("kommunesm.errors",), "kommunesm.errors": ()}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "data" not in p.parts[-3:-1]
}


def _resolve(name: str) -> str | None:
    """The module ``name`` refers to (a submodule, else the closest package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            if name.startswith("kommunesm"):
                target = _resolve(name)
                # a submodule's import of its own parent package is not a dependency
                if target and target != module and not module.startswith(target + "."):
                    found.add(target)
    return found


GRAPH = {m: _imports(m) for m in MODULES}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_lower_layers_import_no_higher_ones(layer):
    offenders = []
    for module, targets in GRAPH.items():
        if module != layer and not module.startswith(layer + "."):
            continue
        for target in targets:
            if target.startswith(layer):
                continue
            if target in ALLOWED.get(layer, ()):
                continue
            if any(target == f or target.startswith(f.rstrip(".") + ".") for f in FORBIDDEN[layer]):
                offenders.append(f"{module} imports {target}")
    assert not offenders, "\n".join(offenders)


def test_no_import_cycles():
    cycles = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [])
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles)))


def test_the_check_sees_imports():
    # the test must be able to fail: the report imports the data layer
    assert "kommunesm.io.dataset" in GRAPH["kommunesm.datasets"]
    assert "kommunesm.stats.inference" in GRAPH["kommunesm.stats"]


def test_importing_kommunesm_does_not_import_pyspark():
    """pandera would import ``pyspark.pandas`` whenever the spark extra is installed: half a
    second and a FutureWarning in every report chapter's kernel (kommunesm.schema blocks it)."""
    import subprocess
    import sys

    code = (
        "import sys, kommunesm as ksm, kommunesm.schema, kommunesm.io.dataset; "
        "ksm.load_demo(); print(sorted(m for m in sys.modules if m.startswith('pyspark')))"
    )
    out = subprocess.run(
        [sys.executable, "-W", "error::FutureWarning", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr

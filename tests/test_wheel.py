"""The built wheel works anywhere: installed in a fresh venv, used from another folder.

The wheel is built from a copy of the source tree (``pip wheel``, build isolation, so
the build needs setuptools from the package index), installed with ``--no-deps`` into
a new venv in a temporary folder, and used from an unrelated working directory with no
``PYTHONPATH``. To keep the test fast the venv reaches the dependencies already
installed for this interpreter through a ``.pth`` file (and its Jupyter data, the
nbconvert templates, through ``JUPYTER_PATH``); kommunesm itself comes only from the
wheel. The script loads every shipped data set, computes ``page_table`` and
the Top-30 on the demo panel, renders ``help(ksm)``, and builds one chapter of the
report (``00``; the whole report takes about a minute and is built by
``tests/test_notebooks.py`` from the checkout).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

SCRIPT = textwrap.dedent(
    """
    import pydoc, sys
    from pathlib import Path

    import kommunesm as ksm

    venv = Path(sys.argv[1]).resolve()
    assert Path(ksm.__file__).resolve().is_relative_to(venv), ksm.__file__
    catalogue = ksm.list_datasets()
    loaders = {"published": ksm.load_published, "register": ksm.load_register,
               "external": ksm.load_external}
    for row in catalogue.itertuples():
        if row.kind == "demo":
            continue
        frame = loaders[row.kind](row.name)
        assert len(frame) > 0, row.name
    demo = ksm.load_demo()
    assert demo.synthetic and len(demo.posts) > 1000
    table = ksm.page_table(demo.pages, demo.page_days, demo.posts, demo.comments)
    top = ksm.top_n(ksm.gambit_points(table), 30)
    assert len(table) == len(demo.pages) and len(top) >= 30
    assert "load_demo" in pydoc.render_doc(ksm)
    result = ksm.build_report(None, Path("report"), only=["00"], notebook_dir=sys.argv[2],
                              progress=False, jobs=1, profiles=False)
    assert result.ok
    print("OK", len(catalogue), len(table), len(top))
    """
)


#: Top-level folders of the checkout that are not part of the package build.
_NOT_BUILT = {".git", ".venv", "build", "dist", "reports", "notebooks", "benchmarks", "data"}


def _copy_source(dest: Path) -> Path:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n == "__pycache__" or n.endswith((".egg-info", "cache"))}
        if Path(folder) == ROOT:
            skip |= _NOT_BUILT & set(names) | {n for n in names if n.startswith(".")}
        return skip

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def test_wheel_installs_and_runs_from_anywhere(tmp_path):
    src = _copy_source(tmp_path / "src")
    wheels = tmp_path / "wheels"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert build.returncode == 0, build.stderr
    assert "warning" not in build.stderr.lower(), build.stderr
    (wheel,) = wheels.glob("kommunesm-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(site, "_host_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert install.returncode == 0, install.stderr
    assert "warning" not in install.stderr.lower(), install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [str(python), "-c", SCRIPT, str(venv), str(ROOT / "notebooks")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        # the host's Jupyter data (nbconvert templates, kernel specs) go with its packages
        env={**env, "MPLBACKEND": "Agg", "JUPYTER_PATH": str(Path(sys.prefix, "share", "jupyter"))},
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("OK 13 ")

"""Extract the report's messages into the one catalogue and list untranslated ones.

    python tools/i18n.py            # update kommunesm/locale/{kommunesm.pot, en/.../kommunesm.po}
    python tools/i18n.py --check    # exit 1 if a message has no English translation

Messages (bokmål message ids) come from:
- string literals passed to ``_()`` / ``gettext()`` / ``N_()`` in ``kommunesm/**/*.py``;
- the values of :data:`kommunesm.show.LABELS`;
- the notebooks: every Markdown block (:func:`kommunesm.narrate.markdown_blocks`) of a
  Markdown cell, and in code cells the literal first argument of
  ``show.text/finding/conclusion`` and the ``caption=``, ``alt=``, ``note=``,
  ``purpose=`` arguments and ``labels=`` / ``units=`` dict values of any call.
Existing translations are kept; new messages get an empty translation.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kommunesm import narrate, show  # noqa: E402

CALLS = {"_", "gettext", "N_"}
TEXT_CALLS = {"text", "finding", "conclusion"}
KEYWORDS = {
    "caption",
    "alt",
    "note",
    "purpose",
    "x_label",
    "y_label",
    "xlabel",
    "ylabel",
    "title_text",
    "flag_label",
}
DICT_KEYWORDS = {"labels", "units", "values"}


def _from_code(source: str, *, notebook: bool) -> list[str]:
    found: list[str] = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return found
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            if name in CALLS or (name in TEXT_CALLS and isinstance(func, ast.Attribute)):
                found.append(first.value)
        for kw in node.keywords:
            if kw.arg in KEYWORDS and isinstance(kw.value, ast.Constant):
                if isinstance(kw.value.value, str):
                    found.append(kw.value.value)
            if kw.arg in DICT_KEYWORDS and isinstance(kw.value, ast.Dict):
                for v in kw.value.values:
                    inner = v.values if isinstance(v, ast.Dict) else [v]
                    found += [
                        x.value
                        for x in inner
                        if isinstance(x, ast.Constant) and isinstance(x.value, str)
                    ]
    return found


def extract_messages() -> list[str]:
    """All message ids, in first-seen order, without duplicates."""
    found: list[str] = []
    for path in sorted((ROOT / "kommunesm").rglob("*.py")):
        found += _from_code(path.read_text(encoding="utf-8"), notebook=False)
    found += list(show.LABELS.values())
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                found += narrate.markdown_blocks(cell.source)
            elif cell.cell_type == "code":
                found += _from_code(cell.source, notebook=True)
    return [m for m in dict.fromkeys(found) if m.strip()]


def write_catalogue(messages: list[str]) -> list[str]:
    """Write the template and update the English catalogue; returns untranslated ids."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    pot = Catalog(project="kommunesm", locale=None, domain=narrate.DOMAIN, fuzzy=False)
    for m in messages:
        pot.add(m)
    folder = narrate.LOCALE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{narrate.DOMAIN}.pot").open("wb") as fh:
        write_po(fh, pot, omit_header=True, sort_output=False, width=100)
    po_path = folder / "en" / "LC_MESSAGES" / f"{narrate.DOMAIN}.po"
    old = {}
    if po_path.is_file():
        with po_path.open("rb") as fh:
            old = {m.id: m.string for m in read_po(fh) if m.id}
    en = Catalog(project="kommunesm", locale="en", domain=narrate.DOMAIN, fuzzy=False)
    for m in messages:
        en.add(m, old.get(m, ""))
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as fh:
        write_po(fh, en, omit_header=True, sort_output=False, width=100)
    return [m for m in messages if not old.get(m)]


def main(argv: list[str]) -> int:
    messages = extract_messages()
    missing = (
        write_catalogue(messages)
        if "--check" not in argv
        else [m for m in messages if not narrate.catalogue("en").get(m)]
    )
    if missing:
        print(f"{len(missing)} of {len(messages)} messages without an English translation:")
        for m in missing:
            print("  -", m[:110].replace("\n", " "))
        return 1 if "--check" in argv else 0
    print(f"{len(messages)} messages, all translated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The house rules of issue 17, checked on the source: layers import one way (faces -> engine -> draft/cite ->
retrieve -> index -> corpus), no module imports itself round a cycle, the package's own modules are imported at the top
of a file (inside functions only heavy third-party libraries are), and no SQL runs outside the index package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

# Higher may import lower, never the reverse. A unit is a top-level module or a subpackage (app/ui, app/index).
LAYERS = {
    "faces": {"cli", "ui", "evals", "bench"},
    "engine": {"engine"},
    "drafting": {
        "draft",
        "writers",
        "draft_types",
        "quoting",
        "facts",
        "cite",
        "claims",
        "issues",
        "export",
        "timeline",
        "owed",
        "template",
        "refine",
        "intake",
        "precedent_summary",
        "story",
    },
    "retrieve": {"retrieve"},
    "index": {"index"},
    "foundation": {
        "corpus",
        "embed",
        "onnx_export",
        "encoder_check",
        "encoder_files",
        "models",
        "settings",
        "text",
        "errors",
        "gguf",
        "writer_catalog",
        "roles",
        "deadlines",
        "law",
        "facets",
        "readers",
        "councils",
    },
}
ORDER = ["foundation", "index", "retrieve", "drafting", "engine", "faces"]
RANK = {unit: ORDER.index(layer) for layer, units in LAYERS.items() for unit in units}


def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(APP).with_suffix("").parts): p for p in APP.rglob("*.py")}


def _unit(module: str) -> str:
    return module.split(".")[0]


def _imports(path: Path, module: str) -> list[tuple[str, bool]]:
    """(imported app module, at module level?) for every import of the package's own modules in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = ".".join([*base, node.module] if node.module else base)
            names = [target] if node.module else [".".join([*base, a.name]) for a in node.names]
            out += [(n, id(node) in top) for n in names if n]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app."):
            out.append((node.module.removeprefix("app."), id(node) in top))
    return out


def test_every_unit_has_a_layer():
    units = {_unit(m) for m in _modules()}
    assert units <= set(RANK), f"place these in a layer in tests/test_architecture.py: {sorted(units - set(RANK))}"


def test_layers_import_one_way():
    wrong = []
    for module, path in _modules().items():
        for target, _ in _imports(path, module):
            a, b = _unit(module), _unit(target)
            if a != b and RANK[b] > RANK[a]:
                wrong.append(f"{module} ({ORDER[RANK[a]]}) imports {target} ({ORDER[RANK[b]]})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles_between_units():
    graph: dict[str, set[str]] = {}
    for module, path in _modules().items():
        for target, _ in _imports(path, module):
            if _unit(target) != _unit(module):
                graph.setdefault(_unit(module), set()).add(_unit(target))

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    return [*trail, start]
                if nxt not in trail:
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [c for u in graph if (c := cycle_from(u))]
    assert not cycles, cycles


def test_own_modules_are_imported_at_the_top():
    inside = [
        f"{module} imports {target} inside a function"
        for module, path in _modules().items()
        for target, at_top in _imports(path, module)
        if not at_top
    ]
    assert not inside, "\n".join(inside)


def test_no_sql_outside_the_index_package():
    sql = re.compile(r"\.execute(many)?\(|\b(SELECT|INSERT|DELETE FROM|UPDATE \w+ SET)\b")
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in APP.rglob("*.py")
        if "index" not in p.relative_to(APP).parts[:1]
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if sql.search(line)
    ]
    assert not found, found

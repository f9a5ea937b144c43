"""The package's shape: no import cycles (counting imports inside functions too), the runtime package that the
chapters import never reaches into the build or the developer tools, and the inputs module runs on the standard
library alone (the Makefile and the CI workflow call it before any environment exists)."""
import ast
import sys
from pathlib import Path

from pzboek import paths

PACKAGE = paths.ROOT / "pzboek"


def module_name(path: Path) -> str:
    parts = path.relative_to(paths.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str] = frozenset()) -> set[str]:
    """Every module this file imports, anywhere in it, relative imports resolved. `from package import module`
    imports the module (of `modules`), not the package's own code."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = {f"{base}.{alias.name}" for alias in node.names}
            found |= names if names <= modules else {base, *names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports(path, set(modules)) if m in modules and m != name}
            for name, path in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles():
    assert find_cycle(graph()) is None, " -> ".join(find_cycle(graph()))


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_runtime_package_does_not_import_the_build_or_tools():
    for path in PACKAGE.glob("*.py"):
        wrong = {m for m in imports(path) if m.startswith(("pzboek.sphinxext", "tools"))}
        assert not wrong, f"{path.relative_to(paths.ROOT)} imports {sorted(wrong)}"


def test_inputs_module_needs_only_the_standard_library():
    """The Makefile and CI call it with the system Python before any environment exists: standard library, and
    pzboek/paths.py (one home for where the survey file is), which is standard library only too."""
    for path in (PACKAGE / "sphinxext" / "inputs.py", PACKAGE / "paths.py"):
        outside = {m for m in imports(path, {"pzboek.paths"}) if m.split(".")[0] not in sys.stdlib_module_names} - {"__future__", "pzboek.paths"}
        assert not outside, f"{path.relative_to(paths.ROOT)} imports {sorted(outside)}"
    init = PACKAGE / "sphinxext" / "__init__.py"
    top_level = {m.split(".")[0] for node in ast.parse(init.read_text()).body
                 if isinstance(node, (ast.Import, ast.ImportFrom)) for m in
                 ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or "pzboek"])}
    assert top_level <= set(sys.stdlib_module_names) | {"__future__", "prepare", "pzboek"}, top_level

"""Every public use case has a way in. A function in services/ that nothing outside the tests can
reach is either dead code or a promise no user can take up (the README once promised admin-added
bank holidays that nothing exposed). Static: the import graph and the names each function uses,
read from the source; the roots are the front ends (handlers/, scheduler/, console/, runtime/,
bot.py), and a service function counts as reached when a root, or a reached service function,
names it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONT_ENDS = ("handlers", "scheduler", "console", "runtime")

# Public by name, internal by use, each with why. None so far: everything public in services/ is
# reached from a front end, directly or through another use case.
INTERNAL: dict[str, str] = {
    "services.records.planning.replan": "a replan from the stored facts, for a caller that holds none; "
    "the unit of work and the order writer replan from the facts they hold (replan_from)",
}
Node = tuple[str, str]  # (module, function); function "" for module-level code


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def public_service_functions() -> set[Node]:
    found: set[Node] = set()
    for path in _sources("services"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found.add((_module_name(path), node.name))
    return found


def _aliases(tree: ast.Module) -> tuple[dict[str, Node], dict[str, str]]:
    """Names bound by imports: a service function (`from services.x import f`) or a service module
    (`from services import x`, `import services.x as y`). Imports inside functions count too (the
    command line imports inside each command)."""
    functions: dict[str, Node] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("services"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (ROOT / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    ROOT / Path(*candidate.split(".")) / "__init__.py"
                ).exists():
                    modules[alias.asname or alias.name] = candidate
                else:
                    functions[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("services") and alias.asname:
                    modules[alias.asname] = alias.name
    return functions, modules


def _references(body: ast.AST, functions: dict[str, Node], modules: dict[str, str], own: str) -> set[Node]:
    """The service functions `body` names: imported names, module.attribute, and (inside a service
    module) its own functions by bare name."""
    named: set[Node] = set()
    for node in ast.walk(body):
        if isinstance(node, ast.Name):
            if node.id in functions:
                named.add(functions[node.id])
            elif own:
                named.add((own, node.id))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            named.add((modules[node.value.id], node.attr))
    return named


def reached() -> set[Node]:
    edges: dict[Node, set[Node]] = {}
    roots: set[Node] = set()
    for path in [*_sources(*FRONT_ENDS), ROOT / "bot.py"]:
        tree = ast.parse(path.read_text())
        functions, modules = _aliases(tree)
        roots |= _references(tree, functions, modules, own="")
    for path in _sources("services"):
        module = _module_name(path)
        tree = ast.parse(path.read_text())
        functions, modules = _aliases(tree)
        for node in tree.body:
            name = node.name if isinstance(node, ast.FunctionDef | ast.ClassDef) else ""
            edges.setdefault((module, name), set()).update(_references(node, functions, modules, own=module))
        # A module's top-level code runs on import: anything it names is reached with the module.
        roots |= {target for target in edges.get((module, ""), set()) if target[1]}
    seen: set[Node] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(edges.get(node, set()))  # for a class: what its methods name
    return seen


def test_every_public_service_function_is_reachable_from_a_front_end() -> None:
    unreachable = sorted(f"{module}.{name}" for module, name in public_service_functions() - reached())
    unreachable = [name for name in unreachable if name not in INTERNAL]
    assert unreachable == [], (
        "Public service functions no handler, scheduler job, console or command-line command reaches: "
        "give each a way in, make it private, delete it, or say in INTERNAL why it is internal."
    )


def test_the_exceptions_are_still_needed() -> None:
    """An exception that has since gained a way in (or gone) is taken off the list."""
    public = {f"{module}.{name}" for module, name in public_service_functions()}
    reachable = {f"{module}.{name}" for module, name in reached()}
    assert [name for name in INTERNAL if name not in public or name in reachable] == []

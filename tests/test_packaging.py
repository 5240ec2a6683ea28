"""Everything search/ and webui/ import at run time is a pinned runtime dependency (not a test extra)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules() -> set[str]:
    names = set()
    for folder in ("search", "webui"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"search", "webui", "__future__"}


def _runtime_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for requirement in project["dependencies"]:
        name, _, version = requirement.partition("==")
        pins[name.lower().replace("_", "-").replace(".", "-")] = version
    return pins


def test_every_runtime_import_is_a_pinned_dependency():
    pins = _runtime_requirements()
    distributions = packages_distributions()
    missing = []
    for module in sorted(_imported_modules()):
        owners = {d.lower().replace("_", "-").replace(".", "-") for d in distributions.get(module, [module])}
        if not owners & set(pins):
            missing.append(module)
    assert not missing, f"imported at run time but not in [project].dependencies: {missing}"
    assert all(pins.values()), "every runtime dependency is pinned with =="

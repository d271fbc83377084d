"""The repository stands on its own: a version, a changelog that names it, a license, and no pointer to
files outside the clone."""

import re

from tests.conftest import ROOT

USER_FACING = ["README.md", "docs", "components", "stacks", "tests", "Makefile", "__main__.py"]


def _files():
    for entry in USER_FACING:
        path = ROOT / entry
        yield from (
            (p for p in path.rglob("*") if p.is_file() and p.suffix in (".py", ".md")) if path.is_dir() else [path]
        )


def test_the_version_is_semantic_and_released_in_the_changelog():
    version = (ROOT / "VERSION").read_text().strip()
    assert re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", version)
    releases = re.findall(r"^## \[([0-9.]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases and releases[0] == version


def test_the_license_is_apache_2():
    assert "Apache License\n                           Version 2.0" in (ROOT / "LICENSE").read_text()


def test_nothing_points_outside_the_repository():
    outside = re.compile(r"\.\./shared|shared/(DESIGN|WANDB_CONTRACT|checkov|perf)")
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _files()
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if outside.search(line) and p.name != "test_repository.py"
    ]
    assert hits == []


def _readme_section(heading_start: str) -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index(heading_start)
    end = readme.find("\n### ", start + 1)
    return readme[start:end]


def _documented(section: str) -> set[str]:
    """The keys of a section's tables: each `code` in the first column (a row may document several)."""
    first_columns = re.findall(r"^\| ([^|]+) \|", section, re.M)
    return {key for column in first_columns for key in re.findall(r"`([^`]+)`", column)}


def test_every_config_key_is_documented_in_the_readme():
    from stacks.config import PlatformConfig
    from stacks.config.loading import _aliases, _models

    root = _documented(_readme_section("### Root keys"))
    missing = []
    for key, annotation in _aliases(PlatformConfig).items():
        models = _models(annotation)
        if not models:
            missing += [] if key in root else [key]
            continue
        documented = _documented(_readme_section(f"### `{key}`"))
        missing += [f"{key}.{sub}" for sub in _aliases(models[0]) if sub not in documented]
    assert missing == []

"""Dependencies are locked: every package pinned with its hashes, compiled from the .in files, installed checked."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)")


def _locked(name: str) -> dict[str, list[str]]:
    """Each pinned package of a compiled file with the hashes listed for it."""
    packages: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = match[1].lower().replace("_", "-")
            packages[current] = []
        elif current and "--hash=sha256:" in line:
            packages[current].append(line.split("--hash=sha256:")[1].strip(" \\"))
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{name}: {line!r} is neither a pin nor a hash")
    return packages


def _wanted(name: str) -> set[str]:
    """The packages a .in file asks for, without versions or extras."""
    names = set()
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[<>=~!; ]", line)[0].lower().replace("_", "-"))
    return names


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_package_is_pinned_with_a_hash(name):
    packages = _locked(name)
    assert packages
    assert [package for package, hashes in packages.items() if not hashes] == []


@pytest.mark.parametrize(
    ("source", "compiled"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_the_compiled_files_hold_what_their_sources_ask_for(source, compiled):
    assert _wanted(source) - set(_locked(compiled)) == set()


def test_the_dev_lock_keeps_the_runtime_pins():
    runtime = {package: hashes for package, hashes in _locked("requirements.txt").items()}
    dev = _locked("requirements-dev.txt")
    assert set(runtime) <= set(dev)
    assert {p: sorted(h) for p, h in runtime.items()} == {p: sorted(dev[p]) for p in runtime}


def test_make_install_checks_every_hash():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements-dev.txt" in makefile
    assert re.search(r"pip install(?![^\n]*--require-hashes)[^\n]*-r requirements", makefile) is None

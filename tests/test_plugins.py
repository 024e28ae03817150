"""The entry-point lookup that spares `importlib.metadata` must find what it finds."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from lambdalint import plugins
from lambdalint.config import ConfigError
from lambdalint.registry import GROUP, Registry


def _standard(group: str) -> list[tuple[str, str]]:
    return [(e.name, e.value) for e in metadata.entry_points(group=group)]


@pytest.mark.parametrize("group", [GROUP, "console_scripts", "pytest11"])
def test_same_entry_points_as_importlib_metadata(group: str) -> None:
    assert [(e.name, e.value) for e in plugins.entry_points(group)] == _standard(group)


def test_the_installed_rules_are_found() -> None:
    found = {e.name: e.value for e in plugins.entry_points(GROUP)}
    assert found["LL201"] == "lambdalint.rules.missing_timeout:RULE"
    assert plugins.EntryPoint("LL201", found["LL201"]).load().code == "LL201"


def _plugin(root: Path, folder: str, text: str) -> None:
    info = root / folder
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: x\nVersion: 1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(text, encoding="utf-8")


def test_a_third_party_plugin_on_sys_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _plugin(first, "Acme.Rules-1.0.dist-info",
            "# comment\n[console_scripts]\nacme = acme:main\n\n[lambdalint.rules]\nAC001 = acme.rules:RULE\n"
            "AC002 = acme.more : RULE [extra]\n")
    # the same distribution again, later on sys.path: shadowed, as importlib.metadata does
    _plugin(second, "acme_rules-2.0.dist-info", "[lambdalint.rules]\nAC999 = acme.old:RULE\n")
    _plugin(second, "other-1.0.egg-info", "[lambdalint.rules]\nOT001 = other:RULE\n")
    monkeypatch.setattr(sys, "path", [str(first), str(second), *sys.path])
    found = [(e.name, e.value) for e in plugins.entry_points(GROUP)]
    assert found[:3] == [("AC001", "acme.rules:RULE"), ("AC002", "acme.more : RULE [extra]"),
                         ("OT001", "other:RULE")]
    assert found == _standard(GROUP)


def test_a_broken_plugin_is_a_configuration_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _plugin(tmp_path, "broken-1.0.dist-info", "[lambdalint.rules]\nBR001 = no_such_module_here:RULE\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    with pytest.raises(ConfigError, match="rule plugin `BR001`"):
        Registry.installed()


def test_a_zip_on_sys_path_is_left_to_importlib_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "plugins.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\nVersion: 1\n")
        bundle.writestr("zipped-1.0.dist-info/entry_points.txt", "[lambdalint.rules]\nZP001 = zipped:RULE\n")
    monkeypatch.setattr(sys, "path", [str(archive), *sys.path])
    found = [(e.name, e.value) for e in plugins.entry_points(GROUP)]
    assert ("ZP001", "zipped:RULE") in found
    assert found == _standard(GROUP)


def test_load_follows_dotted_attributes() -> None:
    assert plugins.EntryPoint("x", "os.path:join").load() is __import__("os").path.join
    assert plugins.EntryPoint("x", "lambdalint.plugins:EntryPoint.load").load() is plugins.EntryPoint.load

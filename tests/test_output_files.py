"""Where `export -o` writes (issue 20, case 10): never over the chronology being read unless asked, and errors that
name the file asked for."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import MINI, chrono_cmd, subprocess_env


def test_export_refuses_to_replace_its_own_input(run, tmp_path, monkeypatch) -> None:
    data = tmp_path / "mine.json"
    data.write_bytes(MINI.read_bytes())
    link = tmp_path / "link.json"
    link.symlink_to(data)
    for target in (data, link):
        result = run("export", "--to", "csv", "-o", str(target), data=data)
        assert result.exit_code == 2 and data.read_bytes() == MINI.read_bytes()
        assert result.stderr == (f"chrono: -o {target} is the chronology being read (-d {data}); the export would "
                                 "replace it: write to another file, or add --force\n")
    monkeypatch.setenv("CHRONO_DATA", str(data))
    assert run("export", "--to", "json", "-o", str(data), data=None).exit_code == 2, "CHRONO_DATA too"
    forced = run("export", "--to", "json", "--tag", "purges", "-o", str(data), "--force", data=None)
    assert forced.exit_code == 0 and forced.stderr.startswith("chrono: wrote ")
    assert {e["id"] for e in json.loads(data.read_text(encoding="utf-8"))["events"]} < \
        {e["id"] for e in json.loads(MINI.read_text(encoding="utf-8"))["events"]}


@pytest.mark.parametrize("fmt", ["json", "sqlite"])
def test_export_errors_name_the_target_not_the_temporary_file(tmp_path, fmt: str) -> None:
    directory = tmp_path / "out"
    directory.mkdir()
    missing = tmp_path / "no" / "such" / "out.db"
    for target, why in ((directory, "Is a directory"), (missing, "No such file or directory")):
        result = subprocess.run([*chrono_cmd(), "-d", str(MINI), "export", "--to", fmt, "-o", str(target)],
                                capture_output=True, text=True, env=subprocess_env(), timeout=60)
        assert result.returncode == 2 and result.stderr == f"chrono: cannot write {target}: {why}\n"
    assert os.listdir(directory) == [] and not list(tmp_path.glob(".*.tmp")), "no temporary file is left"

"""The demo center, built once, and readers that take files for people apart again independently of their writers."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import Result


class Demo:
    """Runs `kaoping` in-process against a copy of the demo ledger in its own folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = f"sqlite:///{folder / 'kaoping.db'}"

    def __call__(self, *args: str) -> Result:
        runner = CliRunner()
        old = os.getcwd()
        os.chdir(self.folder)
        try:
            r = runner.invoke(cli, ["--db", self.db, "--as", "督查科", *args], catch_exceptions=False)
        finally:
            os.chdir(old)
        return Result(r.exit_code, r.stdout, r.stderr)

    def json(self, *args: str) -> Any:
        r = self(*args, "--json")
        assert r.exit_code == 0, r.stderr
        return orjson.loads(r.stdout)


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the demo ledger (its key and evidence beside it), built once for the session."""
    folder = tmp_path_factory.mktemp("demo")
    r = Demo(folder)("demo")
    assert r.exit_code == 0, r.stderr
    return folder


@pytest.fixture
def demo(demo_built: Path, tmp_path: Path) -> Iterator[Demo]:
    """A fresh copy of the demo ledger for one test."""
    folder = tmp_path / "center"
    shutil.copytree(demo_built, folder)
    yield Demo(folder)


def csv_sections(data: bytes) -> dict[str, list[list[str]]]:
    """A CSV file of ours as {table title: [header, *rows]} (tables are separated by an empty row)."""
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    out: dict[str, list[list[str]]] = {}
    n = 0
    while n < len(rows):
        if rows[n] == [] and n + 2 < len(rows):
            title = rows[n + 1][0]
            n += 2
            block = []
            while n < len(rows) and rows[n] != []:
                block.append(rows[n])
                n += 1
            out[title] = block
        else:
            n += 1
    return out


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._title = ""
        self._in: str | None = None
        self._row: list[str] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "th", "td"):
            self._in, self._text = tag, ""
        elif tag == "tr":
            self._row = []
        elif tag == "table":
            self.tables[self._title] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._title = self._text
        elif tag in ("th", "td") and self._row is not None:
            self._row.append(self._text)
        elif tag == "tr" and self._row is not None:
            self.tables[self._title].append(self._row)
            self._row = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def html_tables(data: bytes) -> dict[str, list[list[str]]]:
    """An HTML page of ours as {table title: [header, *rows]} (the stdlib's parser, not the writer's code)."""
    p = _Tables()
    p.feed(data.decode("utf-8"))
    return p.tables


def xlsx_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """A workbook read back with openpyxl: {sheet name: rows of values}."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler's pdftotext lays it out."""
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("pdftotext is missing (apt-get install poppler-utils)")
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    return subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def shown(value: Any) -> str:
    """A JSON value as a text cell shows it (CSV, HTML): yes/no in Chinese, lists joined with 、, null empty."""
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(shown(v) for v in value)
    return str(value)


def stored(value: Any) -> Any:
    """A JSON value as a workbook cell holds it: numbers as numbers, null as an empty cell."""
    if value is None or isinstance(value, bool) or isinstance(value, list):
        return shown(value) or None
    return value

"""The progress renderers by `--format` name."""

from __future__ import annotations

from collections.abc import Callable

from sspost.progress import ProgressResult
from sspost.render import csv_format, json_format, markdown, table

Renderer = Callable[[ProgressResult, str, bool], str]

PROGRESS_RENDERERS: dict[str, Renderer] = {
    "table": table.render,
    "json": json_format.render,
    "csv": csv_format.render,
    "csv_bom": csv_format.render_with_bom,
    "markdown": markdown.render,
}

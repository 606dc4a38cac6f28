"""What every command shares: the site user's action context, CKAN's errors
turned into a message and an abort, a progress bar on stderr and CSV on
stdout."""
from __future__ import annotations

import contextlib
import csv
import io
from typing import Any, Callable, Iterable, Iterator, Optional

import click

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.scoring.cells import csv_row


def site_context() -> dict[str, Any]:
    """An action context for the site user (checked like any caller)."""
    return site.site_user_context()


@contextlib.contextmanager
def action_errors(org: Optional[str] = None) -> Iterator[None]:
    """An unknown organization or invalid input: the message, then abort."""
    try:
        yield
    except tk.ObjectNotFound:
        tk.error_shout(f"Organization not found: {org}")
        raise click.Abort()
    except tk.ValidationError as error:
        tk.error_shout(error.error_summary)
        raise click.Abort()


def progress_bar(label: str) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback drawing a bar on stderr."""
    state: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label,
                                             file=click.get_text_stream("stderr"))
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done
        if done >= total:
            state["bar"].__exit__(None, None, None)
    return progress


def echo_csv(rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> None:
    """Rows as CSV with a header on stdout (text a spreadsheet would run as
    a formula gets a leading ')."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(csv_row(row, columns) for row in rows)
    click.echo(out.getvalue(), nl=False)

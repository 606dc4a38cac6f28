"""Importing a large workbook with several processes at once.

Each dataset is still one ``package_create``/``package_update`` through
CKAN's actions (validation, activity, search index, commit), which is CPU
work in Python: on a machine with two cores two processes import a workbook
in a little over half the time.

What makes it safe:
- the free keywords the rows will create are created first, once: two
  processes creating the same new keyword would otherwise make two tag rows
  (the unique constraint on name and vocabulary does not hold for free tags,
  whose vocabulary is NULL);
- rows are shared out by dataset name, so the rows of one name (a workbook
  listing a dataset twice) are written by one process, in workbook order;
- the parent holds no database connection when it forks (its pool is
  emptied first), so no process shares another's connection;
- results come back in workbook order; the rows of a process that failed are
  reported as errors, never silently dropped.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import traceback
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.excel.workbook import DatasetRow
from ckanext.opdc_kpi.logic.workbooks import rows as row_writer

#: fewer rows than this are imported by one process (forking costs more)
MIN_ROWS_PER_WORKER = 100
MAX_WORKERS = 8


def worker_count(asked: Optional[int], rows: int) -> int:
    """How many processes import ``rows`` rows: ``asked``, else
    ``ckanext.opdc_kpi.import_workers`` (0: one per CPU core, at most 4);
    never more than one per ``MIN_ROWS_PER_WORKER`` rows, nor ``MAX_WORKERS``."""
    if asked is None:
        asked = tk.asint(tk.config.get("ckanext.opdc_kpi.import_workers") or 0)
    if asked <= 0:
        asked = min(4, os.cpu_count() or 1)
    return max(1, min(asked, MAX_WORKERS, rows // MIN_ROWS_PER_WORKER))


def _create_keywords(names: set[str]) -> None:
    """Make the free keywords that do not exist yet (one commit)."""
    if not names:
        return
    known = {row[0] for row in model.Session.execute(sa.text(
        "SELECT name FROM tag WHERE vocabulary_id IS NULL AND name = ANY(:names)"),
        {"names": sorted(names)})}
    for name in sorted(names - known):
        model.Session.add(model.Tag(name=name))
    model.Session.commit()


def _share(rows: list[DatasetRow], count: int) -> list[list[tuple[int, DatasetRow]]]:
    shares: list[list[tuple[int, DatasetRow]]] = [[] for _ in range(count)]
    for index, row in enumerate(rows):
        name = row_writer.dataset_name(row.code)
        shares[int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % count].append(
            (index, row))
    return shares


def _work(connection: Any, counter: Any, context: dict[str, Any], org_id: str,
          defaults: dict[str, Any], share: list[tuple[int, DatasetRow]]) -> None:
    """One process: import its share, send ``(results, error or None)``."""
    model.meta.engine.dispose(close=False)   # a fresh pool of this process's own
    model.Session.remove()
    results: list[dict[str, Any]] = []

    def tick() -> None:
        with counter.get_lock():
            counter.value += 1

    error = None
    try:
        row_writer.import_rows(context, org_id, defaults, [row for _, row in share], False, tick,
                          results)
    except Exception:  # reported with the rows it left undone
        error = traceback.format_exc(limit=3)
        model.Session.rollback()
    finally:
        model.Session.remove()
        model.meta.engine.dispose()
    connection.send((results, error))
    connection.close()


def import_in_processes(context: dict[str, Any], org_id: str, defaults: dict[str, Any],
                        rows: list[DatasetRow], count: int,
                        progress: Optional[Callable[[int, int], None]]
                        ) -> list[dict[str, Any]]:
    """``row_writer.import_rows`` over ``count`` processes; results in row order."""
    keywords: set[str] = set()
    for row in rows:
        keywords |= row_writer.keywords_of(row, org_id, defaults)
    _create_keywords(keywords)
    shares = [share for share in _share(rows, count) if share]
    # no connection may cross the fork
    model.Session.remove()
    model.meta.engine.dispose()
    processes = multiprocessing.get_context("fork")
    counter = processes.Value("i", 0)
    running = []
    for share in shares:
        receive, send = processes.Pipe(duplex=False)
        worker = processes.Process(target=_work, args=(send, counter, context, org_id,
                                                       defaults, share), daemon=True)
        worker.start()
        send.close()
        running.append((worker, receive, share))
    by_index: dict[int, dict[str, Any]] = {}
    reported = -1
    pending = list(running)
    while pending:
        for item in list(pending):
            worker, receive, share = item
            if receive.poll(0.2):
                try:
                    results, error = receive.recv()
                except EOFError:
                    results, error = [], "the import process ended without a report"
                _collect(by_index, share, results, error)
                pending.remove(item)
            elif not worker.is_alive() and not receive.poll(0):
                _collect(by_index, share, [],
                         f"the import process stopped (exit code {worker.exitcode})")
                pending.remove(item)
        if progress and counter.value != reported:
            reported = counter.value
            progress(reported, len(rows))
    for worker, _, _ in running:
        worker.join(timeout=30)
    if progress and reported != len(rows):
        progress(len(rows), len(rows))
    return [by_index[index] for index in range(len(rows))]


def _collect(by_index: dict[int, dict[str, Any]], share: list[tuple[int, DatasetRow]],
             results: list[dict[str, Any]], error: Optional[str]) -> None:
    for (index, _), result in zip(share, results):
        by_index[index] = result
    lines = (error or "").strip().splitlines()
    reason = lines[-1] if lines else "-"
    for index, row in share[len(results):]:
        by_index[index] = {
            "sheet": row.sheet, "row": row.row, "code": row.code,
            "name": row_writer.dataset_name(row.code), "action": "error",
            "errors": [row_writer.row_error(
                "", f"ไม่ได้นำเข้า: การนำเข้าหยุดกลางคัน ({reason})",
                f"not imported: the import stopped midway ({reason})")]}

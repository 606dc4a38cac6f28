"""``ckan opdc-kpi solr-schema``: CKAN's Solr schema with Thai search, for a
site's Solr core or SolrCloud configset (README, "Searching Thai text on
Solr"). Written from the installed CKAN's own schema.xml, which is read,
never changed."""
from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Optional

import click

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.search import solr_schema as schema


@click.command("solr-schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="write the schema to this file instead of standard output")
def solr_schema(output: Optional[str]):
    """CKAN's schema.xml with Thai search in its text field type.

    \b
    ckan -c ckan.ini opdc-kpi solr-schema > schema.xml
    """
    try:
        source = schema.ckan_schema_path()
        text = schema.thai_schema(source.read_text(encoding="utf-8"))
    except (OSError, schema.SchemaShapeError) as error:
        tk.error_shout(f"Cannot write the Thai Solr schema: {error}")
        raise click.Abort()
    try:
        if output:
            _write_whole(output, text)
        else:
            stdout = click.get_binary_stream("stdout")
            stdout.write(text.encode("utf-8"))
            stdout.flush()
    except OSError as error:
        # a folder that does not exist, a full disk, a closed pipe: said, not a traceback
        tk.error_shout(f"Cannot write the Thai Solr schema: {error}")
        raise click.Abort()
    if output:
        click.echo(f"Wrote {output}: {source} ({schema.schema_name(text)}) with Thai search",
                   err=True)


def _write_whole(output: str, text: str) -> None:
    """``text`` into ``output`` whole or not at all (a file beside it, then
    renamed over it): a failed write leaves no half schema for Solr to load.
    What is there and is no regular file (``/dev/stdout``) is written to."""
    if os.path.exists(output) and not os.path.isfile(output):
        with open(output, "w", encoding="utf-8") as stream:
            stream.write(text)
        return
    folder = os.path.dirname(os.path.abspath(output))
    handle, partial = tempfile.mkstemp(prefix=".solr-schema-", suffix=".xml", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)   # as open() would have made it
        os.replace(partial, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise

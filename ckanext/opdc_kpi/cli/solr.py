"""``ckan opdc-kpi solr-schema``: CKAN's Solr schema with Thai search, for a
site's Solr core or SolrCloud configset (README, "Searching Thai text on
Solr"). Written from the installed CKAN's own schema.xml, which is read,
never changed."""
from __future__ import annotations

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
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Wrote {output}: {source} ({schema.schema_name(text)}) with Thai search",
                   err=True)
    else:
        click.get_binary_stream("stdout").write(text.encode("utf-8"))

"""DCAT and schema.org: the DGA items as DCAT-AP 3 and schema.org through
ckanext-dcat (README, "DCAT and schema.org"). ``profiles`` holds the RDF
profiles (loaded by ckanext-dcat from their entry points, never imported
here: ckanext-dcat is needed only where they run); ``endpoints`` what the
catalog endpoints need around ckanext-dcat's own code."""

from setuptools import setup

# Everything else lives in pyproject.toml; Babel reads its extractors here.
setup(
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)

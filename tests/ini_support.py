"""Pieces of the ini files tests write for a CKAN site of their own, served
or run as a command in a subprocess (a second site that harvests this one,
the same site without this extension)."""

#: CKAN 2.11 reads the logging set-up from the ini given to ``ckan -c`` itself
LOGGING = """
[loggers]
keys = root
[handlers]
keys = console
[formatters]
keys = generic
[logger_root]
level = WARN
handlers = console
[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic
[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
"""

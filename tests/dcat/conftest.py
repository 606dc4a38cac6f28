"""One empty catalog per test module (CKAN's reset with the extension's
migrations costs seconds): a module's tests share it, each making objects
of its own."""
import pytest

_RESET: set = set()


@pytest.fixture
def dcat_db(request, fresh_db, with_plugins):
    """The module's catalog, emptied before its first test."""
    module = request.module.__name__
    if module not in _RESET:
        fresh_db()
        _RESET.add(module)

"""The test suite; ``tests.conftest`` is the one conftest module that pytest and the tests share."""

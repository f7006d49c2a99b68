"""The parity tests run LocalStack's own EC2 tests (``localstack/``, vendored) in a pytest process
of their own against two LocalStacks; this session never collects them itself."""

import pytest

collect_ignore = ["localstack"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/parity/" in str(item.fspath):
            item.add_marker(pytest.mark.parity)

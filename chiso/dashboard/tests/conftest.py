import pytest

from chiso.dashboard import data  # noqa: F401
from chiso.results import reader


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Evaluations are kept in memory by their inputs; every test starts cold."""
    reader.forget()
    yield
    reader.forget()

import pytest

from chiso.dashboard import data


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Evaluations are kept in memory by their inputs; every test starts cold."""
    data.EVALUATIONS.clear()
    data.SUMMARIES.clear()
    yield
    data.EVALUATIONS.clear()
    data.SUMMARIES.clear()

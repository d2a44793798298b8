import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Evaluations are cached by their inputs; every test starts cold."""
    cache.clear()
    yield
    cache.clear()

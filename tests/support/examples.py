"""How many examples a property test runs: the Hypothesis profile decides (tests/conftest.py).

A property test leaves ``max_examples`` out, so ``make test`` runs the ``full`` profile's many
examples and ``make test-fast`` the ``fast`` profile's few. A test whose examples are costly (a
demo store per example, say) caps them with :func:`at_most` instead of fixing a number.
"""

from __future__ import annotations

from hypothesis import settings


def at_most(examples: int) -> int:
    """``examples``, or fewer when the loaded profile runs fewer (the fast tier)."""
    loaded = settings.default
    assert loaded is not None
    return min(examples, loaded.max_examples)

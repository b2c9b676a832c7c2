"""Registers the section 16 shops the demo store's tests share (tests/support/shop.py)."""

from tests.support.shop import http_shop, https_shop

__all__ = ["http_shop", "https_shop"]

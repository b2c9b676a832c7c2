"""Clients for the demo store's modern REST API in tests: the official ``woocommerce`` client
over plain HTTP (OAuth 1.0a, ``wp_api=True``) and ``requests`` with Basic auth over HTTPS."""

from __future__ import annotations

from typing import Any

import requests
from woocommerce import API
from woocommerce.oauth import OAuth

from app.demo_store import DemoStore
from app.demo_store.auth import ApiKey

#: Keys of a ``wc/v3`` customer object, in the order the store emits them.
CUSTOMER_KEYS = [
    "id",
    "date_created",
    "date_created_gmt",
    "date_modified",
    "date_modified_gmt",
    "email",
    "first_name",
    "last_name",
    "role",
    "username",
    "billing",
    "shipping",
    "is_paying_customer",
    "avatar_url",
    "meta_data",
    "_links",
]


def official(store: DemoStore, key: ApiKey | None = None) -> API:
    """The official client for ``wc/v3``, signing with ``key`` (default: read_write)."""
    key = key or store.keys["read_write"]
    return API(
        url=store.base_url,
        consumer_key=key.consumer_key,
        consumer_secret=key.consumer_secret,
        wp_api=True,
        version="wc/v3",
        timeout=20,
    )


def anonymous(
    store: DemoStore, path: str, method: str = "GET", **options: Any
) -> requests.Response:
    """An unauthenticated request to ``{home}{path}``."""
    return requests.request(method, f"{store.base_url}{path}", timeout=20, **options)


def error(response: requests.Response) -> tuple[int, str, str]:
    """(status, code, message) of an error answer."""
    body = response.json()
    return response.status_code, body["code"], body["message"]


def signed_url(store: DemoStore, route: str, method: str = "GET") -> str:
    """``{home}/wp-json/wc/v3/<route>`` signed by the official client's OAuth (one nonce)."""
    key = store.keys["read_write"]
    url = f"{store.base_url}/wp-json/wc/v3/{route}"
    oauth = OAuth(url, key.consumer_key, key.consumer_secret, version="wc/v3", method=method)
    return str(oauth.get_oauth_url())

"""Assembles the modern API of one store from its settings (which routes exist, §17.3, §21.2)."""

from __future__ import annotations

from app.demo_store.context import StoreSettings
from app.demo_store.rest import usermeta
from app.demo_store.rest.analytics import LOOKUP_TABLE
from app.demo_store.rest.analytics import ROUTES as ANALYTICS_ROUTES
from app.demo_store.rest.customers import ROUTES as CUSTOMER_ROUTES
from app.demo_store.rest.customers import SENT_EMAILS_TABLE
from app.demo_store.rest.customers_v1_v2 import ROUTES as V1_V2_ROUTES
from app.demo_store.rest.index import PUBLIC_ROUTES, WC_INDEX_ROUTES
from app.demo_store.rest.orders import ROUTES as ORDER_ROUTES
from app.demo_store.rest.pipeline import RestApp, RestSite
from app.demo_store.rest.settings import ROUTES as SETTING_ROUTES
from app.demo_store.schema import Database

#: The values of ``StoreSettings.api`` / ``--api``.
API_CHOICES = ("legacy", "modern", "both")


def modern_api(settings: StoreSettings, db: Database) -> RestApp:
    """The ``/wp-json`` application; with ``api="legacy"`` only WordPress' own index exists.

    Raises:
        ValueError: for an ``api`` other than ``legacy``, ``modern`` or ``both``.
    """
    if settings.api not in API_CHOICES:
        raise ValueError(f"api must be one of {', '.join(API_CHOICES)}, not {settings.api!r}")
    wc_routes = settings.api != "legacy"
    site = RestSite(
        home_url=settings.home_url,
        ssl=settings.ssl,
        tie_seed=settings.tie_seed,
        wc_version=settings.wc_version,
        name=settings.name,
        description=settings.description,
        hpos=settings.hpos,
        wc_routes=wc_routes,
        legacy_api=settings.api != "modern" and not settings.legacy_api_disabled,
        generate_password=settings.generate_password,
        currency=settings.currency,
        v1_v2=not settings.without_v1_v2,
    )
    with db.write() as conn:
        usermeta.create_table(conn)
        conn.execute(SENT_EMAILS_TABLE)
        conn.execute(LOOKUP_TABLE)
    routes = list(PUBLIC_ROUTES)
    if wc_routes:
        routes += WC_INDEX_ROUTES + CUSTOMER_ROUTES + ORDER_ROUTES + ANALYTICS_ROUTES
        routes += SETTING_ROUTES
        if site.v1_v2:  # gone from a store without them: rest_no_route (§21.2)
            routes += V1_V2_ROUTES
    return RestApp(site, db, routes)

"""The modern REST API (``/wp-json/...``, namespace ``wc/v3``) of the demo store.

The package owns everything behind ``{home}/wp-json/`` and ``?rest_route=``: the WordPress REST
pipeline (pipeline.py), WooCommerce's key authentication for it (auth.py), the customer routes
(customers.py) and the discovery indexes (index.py). It reads and writes the same database as the
legacy API, so one store answers both (wc-rest-v3-behavior.md, "the reference" below).
"""

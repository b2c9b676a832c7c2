"""Qt item models over the cache and the domain: customers, orders, downloads, order lines.

Models only read Python values (the customer model reads windows of rows from the local cache);
they never do network I/O and never start threads.
"""

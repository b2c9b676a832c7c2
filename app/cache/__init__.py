"""The local cache: every store's customers, orders and downloads in SQLite, and the sync.

The GUI reads only the cache, so lists open instantly and work offline; the sync engine brings
the cache up to date with the store, in the background or from the command line.
"""

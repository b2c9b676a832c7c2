"""Background workers: QObjects that live in their own QThread and do the app's I/O there.

The GUI thread never calls into a worker directly; it goes through a service (app/services).
"""

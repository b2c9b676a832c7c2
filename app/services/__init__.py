"""GUI-thread facades: each owns a worker thread and turns its events into GUI-thread signals.

Views and models talk to a service, never to a worker; a service never blocks the GUI thread.
"""

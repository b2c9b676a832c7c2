"""Process-wide tuning of the Python runtime: each module names what it changes for the process.

:mod:`~app.runtime.switch_interval` sets how often threads hand over the interpreter lock;
:mod:`~app.runtime.collector_pauses` keeps the cycle collector off long-lived objects.
"""

"""Process-wide tuning of the Python runtime: each module names what it changes for the process.

:mod:`~app.runtime.switch_interval` sets how often threads hand over the interpreter lock;
:mod:`~app.runtime.cycle_collector` decides in which thread the cycle collector runs, and keeps
it off large results while they are built.
"""

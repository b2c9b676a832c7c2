"""The stores the app knows, shared by the command line and the desktop app (no Qt here).

Saved store profiles and where their keys are kept, which store a run uses (options, the
current profile, the environment, or the embedded demo store), and forgetting a saved store.
"""

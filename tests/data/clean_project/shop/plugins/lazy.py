"""A namespace package (no __init__.py) with a module-level __getattr__."""


def __getattr__(name):
    return name

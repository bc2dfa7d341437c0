"""Tahqiq: an Arabic news benchmark for entities, numbers and check-worthy claims."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tahqiq")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

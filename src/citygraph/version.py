"""The installed version of citygraph (from the package metadata), for messages, VoID and cache keys."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("citygraph")
except PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0.0.0+unknown"

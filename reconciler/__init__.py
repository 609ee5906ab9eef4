"""wolkvox-reconciler: call-center campaigns as code."""

from __future__ import annotations

__version__ = "0.3.0"

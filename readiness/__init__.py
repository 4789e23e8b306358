"""readiness: is this AI deployment ready for production, and if not, what exactly is missing?"""

__version__ = "0.1.0"

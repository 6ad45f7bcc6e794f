from .core import run
import beta

__all__ = ["run"]

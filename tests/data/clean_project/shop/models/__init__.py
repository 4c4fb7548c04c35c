from .catalog import *  # noqa: F401,F403
from .orders import Order, OrderLine

__all__ = ["Product", "Category", "Order", "OrderLine"]

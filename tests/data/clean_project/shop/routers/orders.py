from fastapi import APIRouter

from ..models import Order, OrderLine
from ..models.orders import order_tags

router = APIRouter(prefix="/orders")


@router.get("/")
def list_orders() -> list:
    return [Order.__name__, OrderLine.__name__, order_tags.name]

from fastapi import APIRouter

from shop.models import Category, Product
from shop.plugins.lazy import anything_at_all
from shop.services import pricing
from shop.services.mutual_a import VALUE

router = APIRouter(prefix="/products")


@router.get("/")
def list_products() -> list:
    return [Product.__name__, Category.__name__, pricing.__name__, VALUE, anything_at_all]

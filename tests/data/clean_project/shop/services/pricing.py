import sys
from decimal import Decimal
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

try:
    import orjson as fastjson
except ImportError:  # optional speed-up
    fastjson = None

if TYPE_CHECKING:
    from shop.models import Product
    from not_installed_stub_package import Anything

from shop.services import inventory  # a submodule, not a name


def price(product: "Product", quantity: int = 1) -> Decimal:
    import some_optional_plugin_library  # only when called

    return Decimal(quantity) * inventory.unit_cost(product)


def load(text: str) -> dict:
    return tomllib.loads(text)

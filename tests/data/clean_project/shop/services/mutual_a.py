VALUE = 1

from shop.services.mutual_b import OTHER  # bound before the cycle closes: fine

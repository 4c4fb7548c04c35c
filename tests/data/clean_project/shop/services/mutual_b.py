OTHER = 2

from shop.services.mutual_a import VALUE

from sqlalchemy import Column, ForeignKey, Integer, Table

from shop.database import Base


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)


class OrderLine(Base):
    __tablename__ = "order_lines"
    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"))


order_tags = Table("order_tags", Base.metadata, Column("order_id", ForeignKey("orders.id")), Column("tag", Integer))

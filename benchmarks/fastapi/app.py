"""containerbench fastapi service: a small JSON API as a team would ship it (gunicorn + uvicorn workers)."""

import hashlib
import math

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field, field_validator

app = FastAPI(title="containerbench-fastapi", version="1.0.0")


class LineItem(BaseModel):
    sku: str = Field(min_length=3, max_length=32, pattern=r"^[A-Z0-9-]+$")
    quantity: int = Field(gt=0, le=1000)
    unit_price: float = Field(gt=0)


class Order(BaseModel):
    customer: str = Field(min_length=1, max_length=100)
    email: str
    items: list[LineItem] = Field(min_length=1, max_length=100)
    coupon: str | None = None

    @field_validator("email")
    @classmethod
    def email_has_domain(cls, value: str) -> str:
        local, _, domain = value.partition("@")
        if not local or "." not in domain:
            raise ValueError("email must look like name@example.org")
        return value.lower()


class OrderSummary(BaseModel):
    customer: str
    email: str
    item_count: int
    subtotal: float
    discount: float
    total: float
    order_id: str


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/orders", response_model=OrderSummary)
def create_order(order: Order) -> OrderSummary:
    """Validates an order (pydantic) and prices it."""
    subtotal = round(sum(item.quantity * item.unit_price for item in order.items), 2)
    discount = round(subtotal * 0.1, 2) if order.coupon == "SAVE10" else 0.0
    order_id = hashlib.sha256(order.model_dump_json().encode()).hexdigest()[:16]
    return OrderSummary(
        customer=order.customer,
        email=order.email,
        item_count=sum(item.quantity for item in order.items),
        subtotal=subtotal,
        discount=discount,
        total=round(subtotal - discount, 2),
        order_id=order_id,
    )


@app.get("/primes")
def primes(limit: int = Query(default=50_000, ge=2, le=2_000_000)) -> dict[str, int]:
    """CPU work: a sieve of Eratosthenes up to `limit`."""
    sieve = bytearray([1]) * (limit + 1)
    sieve[0:2] = b"\x00\x00"
    for n in range(2, math.isqrt(limit) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytes(len(range(n * n, limit + 1, n)))
    count = sum(sieve)
    largest = max(n for n in range(limit, 1, -1) if sieve[n]) if count else 0
    return {"limit": limit, "count": count, "largest": largest}


@app.get("/orders/{order_id}")
def get_order(order_id: str) -> dict[str, str]:
    # Nothing is stored: the service is stateless so trials do not influence each other.
    raise HTTPException(status_code=404, detail=f"order {order_id} not found (orders are not stored)")

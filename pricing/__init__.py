"""The price book (prices as data, with provenance) and pure cost functions."""

from pricing.book import PriceBook, PriceBookError, PriceEntry, load_price_book
from pricing.costs import (
    REQUEST_CLASSES,
    CostLine,
    FreeTierShare,
    key_cost_lines,
    request_cost_lines,
    share_free_tier,
    total,
)
from pricing.present import present_lines

__all__ = [
    "REQUEST_CLASSES",
    "CostLine",
    "FreeTierShare",
    "PriceBook",
    "PriceBookError",
    "PriceEntry",
    "key_cost_lines",
    "load_price_book",
    "present_lines",
    "request_cost_lines",
    "share_free_tier",
    "total",
]

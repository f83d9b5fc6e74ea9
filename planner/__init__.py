"""kms-planner: inventory AWS data-store encryption and price the move to customer managed keys."""

__version__ = "0.1.0"

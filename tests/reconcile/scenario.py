"""One month of KMS billing beside a small inventory, with the comparison worked by hand.

Inventory (account 111111111111, us-east-1 scanned): customer managed keys K1 and K2, no
rotation yet. Usage file: K1 1,020,000 symmetric requests a month, K2 10,000 asymmetric.
The plan's monthly now:
  K1 1 key-month x $1.00                                   = $1.00
  K2 1 key-month x $1.00                                   = $1.00
  K1 1,020,000 - 20,000 free = 1,000,000 / 10k x $0.03     = $3.00
  K2 10,000 / 10k x $0.15 (asymmetric, no free tier)       = $0.15
                                                    total  = $5.15
The bill for October 2026 (all at list price):
  K1 key: 730 hourly lines of 0.0013698630 key-months and $0.0013698630 = $0.99999999
  K2 key: the same                                                      = $0.99999999
  K1 us-east-1-KMS-Requests: 10 daily lines of 100,000 requests, $0.30  = $3.00 (1,000,000)
  free tier: one $0 line of 20,000 requests ("Monthly Global Free Tier")
  K2 us-east-1-KMS-Requests-Asymmetric: 2 lines of 10,000, $0.15 each   = $0.30 (20,000)
  K1 us-east-1-KMS-Requests-GenerateDatakeyPair-RSA: 100 requests       = $0.12
  K3 (eu-west-1, not scanned): 730 hourly key lines                     = $0.99999999
       and eu-west-1-KMS-Requests 50,000 requests                       = $0.15
  billed at list: 3 x 0.99999999 + 3.00 + 0.30 + 0.12 + 0.15            = $6.56999997
Left out: a Credit of -$2.00 and a Tax line of $0.50; an EDP discount of -$0.25 (legacy and
2.0: its own EdpDiscount line; FOCUS: BilledCost $0.025 under ListCost on each K1 request
line). Also in the file: an S3 line ($5.00, not KMS) and a September K1 key line.
Explained (the smaller of billed and planned, per line):
  K1 key 0.99999999 + K2 key 0.99999999 + K1 requests 3.00 + K2 asymmetric 0.15
                                                           = $5.14999998
  share 5.14999998 / 6.56999997 = 0.78386605... -> "0.7839", 78.4%
The rest: K3 0.99999999 + 0.15 = $1.14999999 unscanned; RSA key pairs $0.12 not estimated;
K2 asymmetric 0.30 - 0.15 = $0.15 under-estimated; 1.14999999 + 0.12 + 0.15 = 1.41999999
                                                           = 6.56999997 - 5.14999998.
Variance: 6.56999997 - 5.15 = $1.41999997.
"""

from __future__ import annotations

from tests.factories import make_inventory, make_key
from tests.reconcile.cur import hourly, line

K1 = make_key("1111aaaa", aliases=["alias/app"])
K2 = make_key("2222bbbb", aliases=["alias/signing"])
K3_ARN = "arn:aws:kms:eu-west-1:111111111111:key/3333cccc"
HOUR = "0.0013698630"
FREE = "$0.00 per request - Monthly Global Free Tier for KMS requests"

USAGE = f"""\
keys:
  {K1.arn}:
    requests: {{symmetric: 1020000}}
    source: test
  {K2.arn}:
    requests: {{asymmetric: 10000}}
    source: test
"""


def inventory():
    return make_inventory([], keys=[K1, K2])


def items(focus_discount: bool = False) -> list[dict]:
    """The month's lines; with `focus_discount`, the K1 request lines carry the EDP discount
    in BilledCost (FOCUS) instead of an EdpDiscount line."""
    billed = "0.275" if focus_discount else None
    result = hourly("us-east-1-KMS-Keys", 730, HOUR, HOUR, K1.arn)
    result += hourly("us-east-1-KMS-Keys", 730, HOUR, HOUR, K2.arn)
    result += [line("us-east-1-KMS-Requests", "100000", "0.30", resource=K1.arn,
                    start=f"2026-10-{day:02d}T00:00:00Z", billed=billed)
               for day in range(1, 11)]
    result.append(line("us-east-1-KMS-Requests", "20000", "0", description=FREE,
                       start="2026-10-01T00:00:00Z"))
    result += [line("us-east-1-KMS-Requests-Asymmetric", "10000", "0.15", resource=K2.arn,
                    start=f"2026-10-0{day}T00:00:00Z") for day in (3, 4)]
    result.append(line("us-east-1-KMS-Requests-GenerateDatakeyPair-RSA", "100", "0.12",
                       resource=K1.arn))
    result += hourly("eu-west-1-KMS-Keys", 730, HOUR, HOUR, K3_ARN)
    result.append(line("eu-west-1-KMS-Requests", "50000", "0.15", resource=K3_ARN))
    result.append(line("us-east-1-KMS-Requests", "0", "-2.00", line_type="Credit",
                       description="AWS credit"))
    result.append(line("us-east-1-KMS-Requests", "0", "0.50", line_type="Tax",
                       description="Tax for product code awskms"))
    if not focus_discount:
        result.append(line("us-east-1-KMS-Requests", "0", "-0.25", line_type="EdpDiscount",
                           description="Enterprise discount"))
    result.append(line("USE1-TimedStorage-ByteHrs", "100", "5.00", product="AmazonS3"))
    result.append(line("us-east-1-KMS-Keys", "1", "1.00", resource=K1.arn,
                       start="2026-09-15T00:00:00Z"))
    return result

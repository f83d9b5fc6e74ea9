"""The calculator: the monthly cost of some keys and requests in one billing scope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import number, out, plain, prepare_outputs, show, usd
from planner.cli.regions import check_region

MAX_COUNT = 10**15  # far above any real month; keeps Decimal arithmetic in range


def _count(help_text: str, *names: str):
    return typer.Option(*names, min=0, max=MAX_COUNT, help=help_text)


def price(
    keys: Annotated[int, _count("Customer managed keys.", "--keys")] = 0,
    rotations: Annotated[
        int, _count("Rotations each key has had (the first two are billed).")] = 0,
    symmetric: Annotated[int, _count("Symmetric requests a month.")] = 0,
    asymmetric: Annotated[
        int, _count("Asymmetric requests a month, keys other than RSA 2048.")] = 0,
    asymmetric_rsa2048: Annotated[
        int, _count("Asymmetric RSA 2048 requests.", "--asymmetric-rsa2048")] = 0,
    gdkp_ecc: Annotated[int, _count("GenerateDataKeyPair requests, ECC.", "--gdkp-ecc")] = 0,
    gdkp_rsa: Annotated[int, _count("GenerateDataKeyPair requests, RSA.", "--gdkp-rsa")] = 0,
    hmac: Annotated[int, _count("HMAC requests (GenerateMac, VerifyMac).")] = 0,
    region: Annotated[str, typer.Option(metavar="REGION", help="Region whose prices apply.")
                      ] = "us-east-1",
    prices: Annotated[
        Path | None, typer.Option("--prices", help="A price book of your own (YAML).")
    ] = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", metavar="[PATH|-]",
        help="Write the JSON document instead of a table; '-' or no value: stdout.")] = None,
) -> None:
    from rich.table import Table

    from planner.files import atomic_open
    from pricing import load_price_book, present_lines
    from pricing.costs import REQUESTS_PER_UNIT, monthly_cost_lines

    check_region(region)
    prepare_outputs({"--json": json_path}, inputs=(prices,))
    book = load_price_book(prices)
    book.entry("key_month", region)  # an unknown region is bad input, before any output
    requests = {
        "symmetric": symmetric, "asymmetric": asymmetric, "asymmetric_rsa2048": asymmetric_rsa2048,
        "gdkp_ecc": gdkp_ecc, "gdkp_rsa": gdkp_rsa, "hmac": hmac,
    }
    lines, share = monthly_cost_lines(
        book, keys=keys, rotations=rotations, requests=requests, region=region
    )
    cents, total = present_lines(lines)
    if json_path:
        document = {
            "total_usd": f"{total:.2f}",
            "currency": "USD",
            "region": region,
            "free_tier_requests_applied": share.applied,
            "price_book": {"path": book.path, "read_on": book.read_on},
            "lines": [
                {
                    "name": line.name,
                    "unit": line.unit,
                    "quantity": plain(line.quantity),
                    "unit_price_usd": str(line.unit_price),
                    "cost_usd": f"{cost:.2f}",
                    "free_quantity": plain(line.free_quantity),
                    "price_entry": line.price_entry,
                    "source": line.source,
                }
                for line, cost in zip(lines, cents, strict=True)
            ],
        }
        with atomic_open(json_path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        return
    table = Table(title=f"Monthly KMS cost, {region} (price book read {book.read_on})")
    for heading in ("Line", "Quantity", "Unit", "Unit price", "Free tier", "Cost"):
        table.add_column(heading, justify="left" if heading in ("Line", "Unit") else "right")
    for line, cost in zip(lines, cents, strict=True):
        free = ""
        if line.free_quantity:
            free = f"{number(line.free_quantity * REQUESTS_PER_UNIT)} requests"
        table.add_row(line.name, number(line.quantity), line.unit, f"${line.unit_price}",
                      free, usd(cost))
    table.add_section()
    table.add_row("Total per month", "", "", "", "", usd(total), style="bold")
    show(table)
    sources = sorted({line.source for line in lines})
    for source in sources:
        out.print(f"Source: {source}")

"""Price book maintenance: `kmsplan prices refresh` reads the AWS Price List API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import endpoint_url as endpoint_url_option
from planner.cli.common import err, fail, out, prepare_outputs, say
from planner.cli.regions import parse_region_list

# The Price List API answers in us-east-1 (also eu-central-1 and ap-south-1).
PRICING_REGION = "us-east-1"

app = typer.Typer(help=__doc__, no_args_is_help=True)


def pricing_client(profile: str | None, endpoint_url: str | None):
    """A Price List client; without --endpoint-url boto3 honours AWS_ENDPOINT_URL itself."""
    import boto3

    session = boto3.Session(profile_name=profile)
    return session.client("pricing", region_name=PRICING_REGION, endpoint_url=endpoint_url)


def parse_regions(text: str) -> list[str]:
    return parse_region_list(text, "--regions")


@app.command("refresh")
def refresh(
    regions: Annotated[str, typer.Option(
        "--regions", metavar="REGION,...",
        help="Regions to read, comma-separated; the first sets each entry's price.",
        show_default=False)],
    out_path: Annotated[Path, typer.Option(
        "--out", metavar="PRICEBOOK.yaml", help="The price book to write (YAML; '-': stdout).",
        show_default=False)],
    base: Annotated[Path | None, typer.Option(
        "--base", help="The book to start from (default: the bundled one).")] = None,
    endpoint_url: Annotated[str | None, typer.Option(
        "--endpoint-url", callback=endpoint_url_option,
        help="Send Price List calls here (also AWS_ENDPOINT_URL).")] = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", help="AWS profile for the Price List API.")] = None,
) -> None:
    """Write a price book whose KMS, storage and S3 prices are today's AWS list prices."""
    from botocore.exceptions import BotoCoreError, ClientError

    from planner.files import atomic_open
    from pricing.pricelist import PriceListError
    from pricing.refresh import refresh_price_book

    wanted = parse_regions(regions)
    prepare_outputs({"--out": out_path}, inputs=(base,))
    try:
        client = pricing_client(profile, endpoint_url)
        refreshed = refresh_price_book(client, wanted, dt.date.today(), base)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        fail(f"Price List GetProducts: {error.get('Code')}: {error.get('Message')}", 1)
    except PriceListError as exc:  # an answer that is not a product: untrusted input
        fail(str(exc), 2)
    except BotoCoreError as exc:
        fail(str(exc), 1)
    with atomic_open(out_path, "w", encoding="utf-8") as handle:
        handle.write(refreshed.text)
    for note in refreshed.notes:
        err.print(f"note: {note}")
    say(out, f"Wrote {out_path} (regions {', '.join(wanted)}). "
             f"Review it: diff -u BASE {out_path}")

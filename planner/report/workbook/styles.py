"""The workbook's named styles, defined once per workbook and shared by every sheet."""

from __future__ import annotations

CURRENCY = "$#,##0.00"
PRICE = "$#,##0.00####"  # unit prices go below a cent (S3 GETs: $0.0004 per 1k)
PERCENT = "0.0%"
INTEGER = "#,##0"
QUANTITY = "#,##0.######"

BASE = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
HEADER_BLUE = "#1F4E78"
INPUT_BLUE = "#0000FF"
INPUT_YELLOW = "#FFF2CC"


class Styles:
    """Formats by name. `Styles.plain()` has none at all (the benchmark's unstyled baseline)."""

    NAMES = ("header", "text", "guarded", "wrap", "integer", "quantity", "currency", "price",
             "percent", "warning", "ok", "title", "subtitle", "label", "total", "total_count",
             "note", "input", "link", "count_link", "at_risk")

    def __init__(self, book=None):
        self.styled = book is not None
        if book is None:
            for name in self.NAMES:
                setattr(self, name, None)
            return

        def make(**props):
            return book.add_format({**BASE, **props})

        self.header = make(bold=True, font_color="white", bg_color=HEADER_BLUE, text_wrap=True,
                           border=1, border_color="#BFBFBF")
        self.text = make()
        # Text that a spreadsheet could take for a formula (= + - @ tab): stored as text and
        # marked with Excel's quote prefix, so editing the cell keeps it text.
        self.guarded = make(quote_prefix=True)
        self.wrap = make(text_wrap=True)
        self.integer = make(num_format=INTEGER)
        self.quantity = make(num_format=QUANTITY)
        self.currency = make(num_format=CURRENCY)
        # Inputs (prices and every other driver): blue on pale yellow, the modeller's usual.
        self.price = make(num_format=PRICE, font_color=INPUT_BLUE, bg_color=INPUT_YELLOW,
                          border=1, border_color="#BF9000")
        self.input = make(num_format=QUANTITY, font_color=INPUT_BLUE, bg_color=INPUT_YELLOW,
                          border=1, border_color="#BF9000")
        # A formula that only repeats an input (=price_...): green, so nobody overtypes it.
        self.link = make(num_format=PRICE, font_color="#00B050")
        self.count_link = make(num_format=INTEGER, font_color="#00B050")  # =usage_... defaults
        self.percent = make(num_format=PERCENT)
        self.warning = make(bold=True, font_color="#9C0006", bg_color="#FFC7CE", text_wrap=True)
        self.ok = make(bold=True, font_color="#006100", bg_color="#C6EFCE", text_wrap=True)
        self.title = make(bold=True, font_size=16, font_color=HEADER_BLUE, valign="vcenter")
        self.subtitle = make(italic=True, font_color="#595959")
        self.label = make(bold=True)
        self.total = make(bold=True, num_format=CURRENCY, top=1)
        self.total_count = make(bold=True, num_format="#,##0", top=1)
        # A conditional format: only the colours (a row keeps its number formats).
        self.at_risk = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.note = make(italic=True, font_color="#595959", text_wrap=True)

    @classmethod
    def plain(cls) -> Styles:
        return cls(None)

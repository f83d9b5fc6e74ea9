"""The one compiled part: the fast path of `kmsplan usage measure` (planner/measure/_ctscan.c).

optional=True: without a C compiler the install still succeeds, and measuring falls back to
the pure-Python path (same counts, slower); tests/measure/test_fast_scan.py fails loudly then.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "planner.measure._ctscan",
            ["planner/measure/_ctscan.c"],
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror=implicit"],
            optional=True,
        )
    ]
)

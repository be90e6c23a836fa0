#!/usr/bin/python3
"""The .npy fixtures of NpyFixturesTest, made by NumPy itself, and NumPy's reading of ours.

    /usr/bin/python3 src/test/resources/npy/make.py           # (re)writes the fixtures beside this file
    /usr/bin/python3 src/test/resources/npy/make.py check F...  # prints how NumPy reads each file F

Needs numpy (Debian: apt-get install -y python3-numpy). The fixtures are committed, so the tests
need neither; NpyNumpyTest runs `check` on files the library wrote and skips, with the reason,
where python3 or numpy is missing.

`check` prints one line per file: its name, dtype.str, fortran flag, shape, and every element as
repr(float(x)) (exact for every type unfold4j has), tab-separated; or "ERROR <message>".
"""
import os
import sys

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array, version=(1, 0)):
    with open(os.path.join(HERE, name), "wb") as f:
        npformat.write_array(f, array, version=version, allow_pickle=False)


def make():
    f4 = np.array([[-1.5, 0.0, 0.25], [3.0e38, -0.0, 1.0e-45]], dtype="<f4")
    save("f4.npy", f4)
    save("f4-nonfinite.npy", np.array([np.inf, -np.inf, np.nan], dtype="<f4"))
    save("f8.npy", np.array([np.pi, -1e300, 5e-324], dtype="<f8"))
    save("u1.npy", np.array([0, 1, 127, 128, 200, 255, 7, 42], dtype="u1").reshape(2, 2, 2))
    save("i4.npy", np.array([-2**31, -1, 0, 2**31 - 1], dtype="<i4"))
    # float16: NumPy's own rounding of 0.1, the largest finite, the smallest subnormal, inf, nan.
    save("f2.npy", np.array([0.1, 65504.0, 2.0**-24, np.inf, -0.0, np.nan], dtype="<f2"))
    save("f2-big.npy", np.array([0.1, 65504.0, 2.0**-24, np.inf, -0.0, np.nan], dtype=">f2"))
    save("scalar.npy", np.array(7.5, dtype="<f4"))
    save("empty.npy", np.zeros((0, 3), dtype="<f4"))
    save("rank5.npy", np.arange(12, dtype="<i4").reshape(1, 2, 1, 3, 2))
    # The README's consumer program reads this one (ReadmeExamplesTest).
    save("images.npy", (np.arange(2 * 3 * 4 * 5, dtype="<f4") % 17 - 8).reshape(2, 3, 4, 5))
    # Header versions: 2.0 (uint32 length) and 3.0 (UTF-8 header).
    save("v2.npy", f4, version=(2, 0))
    save("v3.npy", f4, version=(3, 0))
    # Big-endian elements.
    save("f4-big.npy", f4.astype(">f4"))
    save("f8-big.npy", np.array([np.pi, -1e300, 5e-324], dtype=">f8"))
    save("i4-big.npy", np.array([-2**31, -1, 0, 2**31 - 1], dtype=">i4"))
    # Fortran order: what np.save writes for a transposed array.
    save("fortran-i4.npy", np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4)))
    save("fortran-f8-big.npy", np.asfortranarray(np.arange(6, dtype=">f8").reshape(3, 2) / 4))
    # '<u1': a one-byte type with an order character, as some writers spell it.
    with open(os.path.join(HERE, "u1.npy"), "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, "u1-lt.npy"), "wb") as f:
        f.write(data.replace(b"'|u1'", b"'<u1'"))
    # Types unfold4j lacks.
    save("i8.npy", np.array([1, 2, 3], dtype="<i8"))
    save("i1.npy", np.array([-1, 2], dtype="|i1"))
    # Truncated: the last 5 of 24 data bytes cut.
    with open(os.path.join(HERE, "f4.npy"), "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, "truncated.npy"), "wb") as f:
        f.write(data[:-5])


def check(files):
    for name in files:
        try:
            a = np.load(name, allow_pickle=False)
            values = " ".join(repr(float(x)) for x in a.ravel(order="C"))
            print("\t".join([os.path.basename(name), a.dtype.str, str(a.flags.f_contiguous and not
                             a.flags.c_contiguous), repr(a.shape), values]))
        except Exception as e:  # reported to the test, which fails with it
            print(os.path.basename(name) + "\tERROR " + type(e).__name__ + ": " + str(e).replace("\n", " "))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "check":
        check(sys.argv[2:])
    else:
        make()

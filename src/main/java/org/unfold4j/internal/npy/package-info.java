/**
 * NumPy's {@code .npy} format behind the public {@code org.unfold4j.Npy}: the type strings
 * ({@link org.unfold4j.internal.npy.Descr}), the header ({@link org.unfold4j.internal.npy.Header},
 * its dict literal {@link org.unfold4j.internal.npy.HeaderDict}), the data read into a host array
 * ({@link org.unfold4j.internal.npy.DataReader}) and the file written piece by piece
 * ({@link org.unfold4j.internal.npy.FileWriter}).
 *
 * <p>The format (NumPy's {@code numpy/lib/format.py}): the magic {@code \x93NUMPY}, a major and
 * minor version byte, the header's length (a little-endian uint16 in version 1.0, uint32 in 2.0
 * and 3.0), the header (a Python dict literal with exactly the keys {@code descr},
 * {@code fortran_order} and {@code shape}, in Latin-1, UTF-8 in 3.0, ending in a newline), then
 * the elements, nothing after them.
 */
package org.unfold4j.internal.npy;

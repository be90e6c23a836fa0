/**
 * The {@code unfold4j} command line ({@link org.unfold4j.cli.Main}): {@code demo}, {@code devices},
 * {@code patches}, {@code reconstruct}, {@code filter} and {@code bench}, on the bundled
 * photograph or any image file. Not part of the library's API: only {@link org.unfold4j.cli.Main}
 * is public. It is its own artifact, unfold4j-cli, with its own dependencies (picocli, EJML,
 * progressbar, jocl-blast), and uses only the library's public API.
 */
package org.unfold4j.cli;

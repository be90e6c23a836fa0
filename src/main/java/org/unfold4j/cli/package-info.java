/**
 * The {@code unfold4j} command line ({@link org.unfold4j.cli.Main}): {@code demo}, {@code devices},
 * {@code patches}, {@code reconstruct}, {@code filter} and {@code bench}, on the bundled
 * photograph or any image file. Not part of the library's API: only {@link org.unfold4j.cli.Main}
 * is public. Its dependencies (picocli, EJML, jocl-blast) are optional in the library's POM.
 */
package org.unfold4j.cli;

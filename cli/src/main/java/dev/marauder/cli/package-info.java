/**
 * The {@code marauder} command line: thin picocli commands that parse options, build settings
 * objects, call the library and write results (JSON with {@code --out FILE} or {@code --json}).
 * Exit codes: 0 success, 1 failure (bad input files included), 2 usage error; errors are one line
 * naming the file or option.
 */
package dev.marauder.cli;

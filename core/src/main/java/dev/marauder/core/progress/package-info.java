/**
 * Progress reporting for long work, independent of how it is shown (a progress bar on a terminal,
 * nothing in tests).
 */
package dev.marauder.core.progress;

/**
 * The one JSON configuration of Marauder ({@link dev.marauder.core.json.Json}): snake_case keys,
 * unknown keys tolerated when reading, atomic file writes.
 */
package dev.marauder.core.json;

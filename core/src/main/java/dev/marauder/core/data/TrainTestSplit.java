package dev.marauder.core.data;

/**
 * A dataset's training and test parts.
 *
 * @param name the dataset's name or path, as the user gave it
 * @param train training examples
 * @param test held-out examples
 */
public record TrainTestSplit(String name, LabeledData train, LabeledData test) {}

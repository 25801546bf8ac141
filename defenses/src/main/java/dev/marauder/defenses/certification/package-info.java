/**
 * Certified robustness: randomized smoothing (Cohen, Rosenfeld &amp; Kolter 2019), whose smoothed
 * classifier provably keeps its prediction within an L2 radius, with the Gaussian noise
 * augmentation that trains its base classifier.
 */
package dev.marauder.defenses.certification;

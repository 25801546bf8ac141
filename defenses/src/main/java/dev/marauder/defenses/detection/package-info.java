/**
 * Detection and admission control: defenses that decide, per input, whether a model's answer can
 * be trusted. The Deep k-Nearest Neighbors classifier (Papernot &amp; McDaniel 2018) compares an
 * input's hidden representations with those of the training data and gives each prediction a
 * credibility calibrated on held-out data; inputs of low credibility (often adversarial) can be
 * refused.
 */
package dev.marauder.defenses.detection;

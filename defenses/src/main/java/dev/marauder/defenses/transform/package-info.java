/**
 * Input transformations put in front of a model as defenses (bit-depth reduction, JPEG
 * compression, median smoothing, total-variation minimisation, thermometer encoding, random
 * resizing and padding), and the defended model as attacks see it: with the naive gradient, with
 * BPDA, or with EOT (Athalye, Carlini &amp; Wagner 2018).
 */
package dev.marauder.defenses.transform;

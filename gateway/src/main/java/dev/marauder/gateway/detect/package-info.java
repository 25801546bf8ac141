/**
 * Detectors over each principal's query stream, in plain Java over {@code float[]} inputs (no
 * engine): {@link dev.marauder.gateway.detect.PradaDetector} flags model extraction (Juuti et al.,
 * "PRADA: Protecting against DNN Model Stealing Attacks", EuroS&amp;P 2019) and
 * {@link dev.marauder.gateway.detect.StatefulDetector} flags the query pattern of black-box
 * evasion attacks (Chen, Carlini and Wagner, "Stateful Detection of Black-Box Adversarial
 * Attacks", SPAI 2020). Both implement {@link dev.marauder.gateway.detect.QueryStreamDetector},
 * are safe to call from many request threads, and bound the memory they keep per principal.
 */
package dev.marauder.gateway.detect;

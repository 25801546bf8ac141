package dev.marauder.core.data;

import java.util.List;

/** Human-readable class names of the built-in datasets, index = label. */
public final class ClassNames {
    /** Fashion-MNIST's ten classes (Xiao, Rasul &amp; Vollgraf 2017). */
    public static final List<String> FASHION_MNIST = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** MNIST's ten digits. */
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private ClassNames() {}

    /** The class names of a built-in dataset; an empty list for paths and unknown names. */
    public static List<String> of(String dataset) {
        return switch (dataset) {
            case Datasets.FASHION_MNIST, Datasets.FASHION_MNIST_FULL -> FASHION_MNIST;
            case Datasets.MNIST -> DIGITS;
            default -> List.of();
        };
    }
}

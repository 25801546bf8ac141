package dev.marauder.attacks.extraction;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.SensitiveTable;
import dev.marauder.core.data.Standardization;
import dev.marauder.core.data.TabularDatasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Training;
import java.util.Random;

/** Targets trained on the shipped penguins table (333 rows, 9 features, 3 species). */
final class Penguins {
    private Penguins() {}

    /** The table split 2:1 with seed 0, numeric columns standardised on the training rows. */
    static TrainTestSplit standardized() {
        SensitiveTable table = TabularDatasets.penguins();
        int[] order = dev.marauder.core.data.Permutations.shuffled(table.size(), new Random(0));
        int cut = table.size() * 2 / 3;
        SensitiveTable train = table.select(java.util.Arrays.copyOfRange(order, 0, cut));
        SensitiveTable test = table.select(java.util.Arrays.copyOfRange(order, cut, order.length));
        Standardization s = train.standardization();
        return new TrainTestSplit("penguins", train.toLabeledData(s), test.toLabeledData(s));
    }

    /** The table split as {@link #standardized()}, raw values (for trees). */
    static TrainTestSplit raw() {
        SensitiveTable table = TabularDatasets.penguins();
        int[] order = dev.marauder.core.data.Permutations.shuffled(table.size(), new Random(0));
        int cut = table.size() * 2 / 3;
        return new TrainTestSplit(
                "penguins",
                table.select(java.util.Arrays.copyOfRange(order, 0, cut)).toLabeledData(),
                table.select(java.util.Arrays.copyOfRange(order, cut, order.length))
                        .toLabeledData());
    }

    /** The smallest and largest value of any feature, widened by 1. */
    static float[] bounds(TrainTestSplit data) {
        float lo =
                Math.min(data.train().features().min(), data.test().features().min());
        float hi =
                Math.max(data.train().features().max(), data.test().features().max());
        return new float[] {(float) Math.floor(lo - 1), (float) Math.ceil(hi + 1)};
    }

    /** A model of {@code architecture} trained with Adam (30 epochs, batch 16, lr 0.01, seed 0). */
    static BuiltinClassifier train(Architecture architecture, TrainTestSplit data) {
        return Training.train(
                architecture, new AdamTrainer(30, 16, 0.01, 0), data, bounds(data), Progress.NONE, w -> {});
    }

    /** Labelled data of the test split. */
    static LabeledData test(TrainTestSplit data) {
        return data.test();
    }
}

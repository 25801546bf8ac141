/**
 * Marauder's data layer: engine-free tensors, readers and writers for the file formats of the
 * field, the built-in datasets, and the checks that data fits a model.
 *
 * <ul>
 *   <li>{@link dev.marauder.core.data.FloatTensor}, {@link dev.marauder.core.data.LabeledData}
 *       and {@link dev.marauder.core.data.TrainTestSplit}: what every reader produces.
 *   <li>{@link dev.marauder.core.data.NpyReader} and {@link dev.marauder.core.data.NpyWriter}:
 *       NumPy {@code .npy} (versions 1.0 to 3.0); {@link dev.marauder.core.data.IdxReader}: IDX
 *       (MNIST), plain or gzipped; {@link dev.marauder.core.data.CsvReader}: numeric CSV.
 *   <li>{@link dev.marauder.core.data.Datasets}: datasets by name ({@code fashion-mnist},
 *       {@code fashion-mnist-full}, {@code mnist}) or path.
 *   <li>{@link dev.marauder.core.data.DataChecks}: finite values, bounds, shapes, labels.
 * </ul>
 *
 * <p>Every problem with a file is a {@link dev.marauder.core.io.DataFormatException} whose
 * one-line message names the file and the problem, fit to show a user as it is. Files are read
 * only where the caller points, and nothing in a file is ever executed (no pickles).
 */
package dev.marauder.core.data;

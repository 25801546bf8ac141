/**
 * Model access as types: {@link dev.marauder.core.model.Classifier} is black-box (queries only,
 * counted), {@link dev.marauder.core.model.DifferentiableClassifier} adds input gradients
 * (white-box). Built-in models ({@link dev.marauder.core.model.BuiltinClassifier} with its
 * {@link dev.marauder.core.model.ModelCard}), TorchScript and ONNX files open through
 * {@link dev.marauder.core.model.Models}.
 */
package dev.marauder.core.model;

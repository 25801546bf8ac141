package dev.marauder.core.model;

/** How a model is stored and run. */
public enum ModelFormat {
    /** A Marauder model directory: DJL parameters of a built-in architecture plus its model card. */
    MARAUDER,
    /** A TorchScript file ({@code .pt}) saved by PyTorch's {@code torch.jit.save}. */
    TORCHSCRIPT,
    /** An ONNX file run through ONNX Runtime (black-box only). */
    ONNX,
    /**
     * A model behind an HTTP API, queried through the Open Inference Protocol (v2) or TensorFlow
     * Serving's REST API (black-box only; see {@code dev.marauder.core.model.remote}).
     */
    REMOTE
}

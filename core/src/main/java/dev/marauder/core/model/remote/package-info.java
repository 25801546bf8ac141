/**
 * Black-box access to a model behind an HTTP API: {@link
 * dev.marauder.core.model.remote.RemoteClassifier} speaks the Open Inference Protocol (v2) REST API
 * of KServe, Triton and MLServer, and TensorFlow Serving's REST predict API, with a query budget,
 * batching, timeouts and bounded retries ({@link dev.marauder.core.model.remote.RemoteSettings}).
 */
package dev.marauder.core.model.remote;

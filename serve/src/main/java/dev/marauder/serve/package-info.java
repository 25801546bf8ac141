/**
 * Serves any model Marauder opens over the Open Inference Protocol (v2) REST API, the protocol of
 * KServe, Triton and MLServer: {@link dev.marauder.serve.InferenceServer}. It lets a model be
 * audited the way an adversary meets it, behind an API, with {@code
 * dev.marauder.core.model.remote.RemoteClassifier}.
 */
package dev.marauder.serve;

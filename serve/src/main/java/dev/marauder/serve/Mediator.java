package dev.marauder.serve;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The policy layer of an {@link InferenceServer}: it sees every request before anything of it is
 * read (complete mediation), may refuse it, sees the input before inference and the scores after,
 * may change what is returned, and is told the outcome of every request before the response is
 * sent. The plain server uses {@link #NONE}; the secure gateway plugs in authentication, budgets,
 * output hardening, admission control, detection and its audit log.
 */
public interface Mediator {
    /** No policy: every request is let through unchanged and nothing is recorded. */
    Mediator NONE = head -> new Exchange() {};

    /** What the server's endpoints are, for the policy to decide on. */
    enum Endpoint {
        /** {@code /v2/health/live} and {@code /v2/health/ready}. */
        HEALTH,
        /** {@code /v2}, {@code /v2/models/NAME} and {@code /v2/models/NAME/ready}. */
        METADATA,
        /** {@code POST /v2/models/NAME/infer}. */
        INFER,
        /** Anything else (answered 404 or 405, or by routes the mediator added). */
        OTHER
    }

    /**
     * What is known of a request before its body is read.
     *
     * @param method the HTTP method
     * @param path the request path
     * @param endpoint which endpoint it addresses
     * @param header the request's headers by (case-insensitive) name, null when absent
     * @param remoteAddress the client's address
     */
    record RequestHead(
            String method, String path, Endpoint endpoint, Function<String, String> header, String remoteAddress) {}

    /**
     * The scores of a batch: {@code n} rows of {@code classes} values, named {@code output} in the
     * response ({@code logits}, {@code probabilities} or {@code labels}).
     */
    record Scores(String output, int n, int classes, float[] data) {
        public Scores {
            if (n < 0 || classes < 1 || data.length != (long) n * classes) {
                throw new IllegalArgumentException(
                        "scores of " + data.length + " values are not " + n + " rows of " + classes);
            }
        }
    }

    /** One request's passage through the policy. */
    interface Exchange {
        /**
         * Decides whether the request may proceed, before its body is read: authentication,
         * authorisation, rate limits. Throws to refuse.
         *
         * @throws OipException the refusal (401, 403, 429, ...)
         */
        default void authorize() {}

        /**
         * Sees an inference request's input (n examples of {@code exampleSize} values, row-major)
         * before the model does; throws to refuse (a blocked client, a spent budget).
         *
         * @throws OipException the refusal
         */
        default void admit(float[] input, int n, int exampleSize) {}

        /**
         * Sees the model's scores and returns what the client receives (hardened outputs); throws to
         * refuse the prediction (admission control: 422).
         *
         * @throws OipException the refusal
         */
        default Scores release(float[] input, Scores scores) {
            return scores;
        }

        /**
         * The name of the output this caller receives, for the model metadata ({@code logits},
         * {@code probabilities} or {@code labels}); the model's own by default.
         */
        default String outputName(String modelOutput) {
            return modelOutput;
        }

        /** Headers added to the response, whatever its status. */
        default Map<String, String> responseHeaders() {
            return Map.of();
        }

        /**
         * Told the outcome before the response is sent. A failure here (for example an audit log
         * that cannot commit) turns the response into a 503 and nothing of the prediction is sent.
         *
         * @param status the HTTP status about to be sent
         * @param body the body about to be sent
         */
        default void complete(int status, byte[] body) {}
    }

    /**
     * Begins one request's exchange. Called for every request, before anything else.
     *
     * @param head what is known of the request before its body is read
     */
    Exchange begin(RequestHead head);

    /**
     * A {@code GET} route of the mediator's own (metrics, the audit log), served by the server
     * under the same mediation as every other request (endpoint {@link Endpoint#OTHER}).
     *
     * @param path the path, e.g. {@code /metrics}
     * @param contentType the answer's content type
     * @param answer produces a 200 answer's body from the request's query parameters, or throws an
     *     {@link OipException}
     */
    record Route(String path, String contentType, RouteAnswer answer) {}

    /** Produces the body of a {@link Route}'s answer. */
    @FunctionalInterface
    interface RouteAnswer {
        /**
         * The answer's body.
         *
         * @param query the request's query parameters by name, null when absent
         * @throws OipException to refuse
         */
        byte[] answer(Function<String, String> query);
    }

    /** The mediator's own routes; none by default. */
    default List<Route> routes() {
        return List.of();
    }
}

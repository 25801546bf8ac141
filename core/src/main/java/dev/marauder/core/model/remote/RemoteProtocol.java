package dev.marauder.core.model.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prediction APIs a {@link RemoteClassifier} speaks, told apart by the URL's path.
 *
 * <ul>
 *   <li>{@link #OPEN_INFERENCE_V2}: {@code http://HOST:PORT[/PREFIX]/v2/models/NAME[/versions/V]}, the
 *       Open Inference Protocol of KServe, Triton and MLServer (model metadata at that URL,
 *       inference at {@code .../infer}).
 *   <li>{@link #TF_SERVING_V1}: {@code http://HOST:PORT[/PREFIX]/v1/models/NAME[/versions/V][:predict]},
 *       TensorFlow Serving's REST predict API (row format: {@code instances} in, {@code predictions}
 *       out).
 * </ul>
 */
public enum RemoteProtocol {
    /** The Open Inference Protocol (v2) REST API. */
    OPEN_INFERENCE_V2,
    /** TensorFlow Serving's REST predict API (v1). */
    TF_SERVING_V1;

    private static final Pattern V2 = Pattern.compile("(.*)/v2/models/([^/:]+)(/versions/[^/:]+)?/?");
    private static final Pattern V1 = Pattern.compile("(.*)/v1/models/([^/:]+)(/versions/[^/:]+)?(:predict)?/?");

    /**
     * Where a model lives and how to ask it.
     *
     * @param protocol the API
     * @param model the model's URL: metadata for the Open Inference Protocol, the model (without
     *     {@code :predict}) for TensorFlow Serving
     * @param name the model's name in the URL
     */
    public record Endpoint(RemoteProtocol protocol, URI model, String name) {
        /** Where inference requests go. */
        public URI inference() {
            return URI.create(model + (protocol == OPEN_INFERENCE_V2 ? "/infer" : ":predict"));
        }
    }

    /**
     * Parses a model URL.
     *
     * @throws IllegalArgumentException naming the URL and the two forms accepted, for anything else
     */
    public static Endpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw badUrl(url, "it is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw badUrl(url, "only http and https are spoken");
        }
        if (uri.getHost() == null) {
            throw badUrl(url, "it names no host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw badUrl(url, "a query, fragment or user name has no place in it (give an API key with --api-key-env)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String origin = scheme + "://" + uri.getRawAuthority();
        Matcher m = V2.matcher(path);
        if (m.matches()) {
            String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            return new Endpoint(OPEN_INFERENCE_V2, URI.create(origin + base), m.group(2));
        }
        m = V1.matcher(path);
        if (m.matches()) {
            String base = m.group(1) + "/v1/models/" + m.group(2) + (m.group(3) == null ? "" : m.group(3));
            return new Endpoint(TF_SERVING_V1, URI.create(origin + base), m.group(2));
        }
        throw badUrl(url, "its path is neither /v2/models/NAME nor /v1/models/NAME:predict");
    }

    private static IllegalArgumentException badUrl(String url, String why) {
        return new IllegalArgumentException("not a model URL: '" + url + "': " + why + "; give"
                + " http://HOST:PORT/v2/models/NAME (Open Inference Protocol: KServe, Triton, MLServer, marauder"
                + " serve) or http://HOST:PORT/v1/models/NAME:predict (TensorFlow Serving)");
    }
}

package dev.marauder.core.data;

import java.util.Base64;

/**
 * Files written by NumPy 2.4.6 (Python 3.11.7), Base64-encoded: compatibility fixtures.
 * Each was made with {@code f = io.BytesIO()}, the call shown, and {@code base64.b64encode(f.getvalue())}.
 */
final class NumpyFixtures {
    private NumpyFixtures() {}

    /** {@code np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))} */
    static final String F4_2X3 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMp"
                    + "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA"
                    + "AACAPwAAAEAAAEBAAACAQAAAoEA=";

    /** {@code np.save(f, np.array([[1.5, -2.25], [np.inf, 1e300]], dtype='>f8'))} */
    static final String F8_BE_2X2 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIp"
                    + "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/+AAA"
                    + "AAAAAMACAAAAAAAAf/AAAAAAAAB+N+Q8iAB1nA==";

    /** {@code np.save(f, np.array([0, 128, 255], dtype='|u1'))} */
    static final String U1_3 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwg"
                    + "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAgP8=";

    /** {@code np.save(f, np.array([0, 9], dtype='<i8'))} */
    static final String I8_2 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwg"
                    + "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA"
                    + "AAAAAAkAAAAAAAAA";

    /** {@code np.save(f, np.array([7, -1, 2**31 - 1], dtype='>i4'))} */
    static final String I4_BE_3 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwg"
                    + "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAH"
                    + "/////3////8=";

    /** {@code np.save(f, np.array([-32768, 5], dtype='<i2'))} */
    static final String I2_2 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwg"
                    + "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAgAUA";

    /** {@code np.save(f, np.array([-128, 127], dtype='|i1'))} */
    static final String I1_2 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwg"
                    + "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAfw==";

    /** {@code np.lib.format.write_array(f, np.array([1.25, -0.5], dtype='<f4'), version=(2, 0))} */
    static final String F4_V2 =
            "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwp"
                    + "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAKA/"
                    + "AAAAvw==";

    /** {@code np.lib.format.write_array(f, np.array([3.0], dtype='<f4'), version=(3, 0))} */
    static final String F4_V3 =
            "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwp"
                    + "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAEBA";

    /** {@code np.save(f, np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))} */
    static final String F4_FORTRAN =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyks"
                    + "IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA"
                    + "AABAQAAAgD8AAIBAAAAAQAAAoEA=";

    /** {@code np.save(f, np.float64(2.5))} */
    static final String F8_SCALAR =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0g"
                    + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA"
                    + "AAAEQA==";

    /** {@code np.save(f, np.zeros((0, 4), dtype='<f4'))} */
    static final String F4_EMPTY_0X4 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDQp"
                    + "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";

    /** {@code np.save(f, np.array([1, 'a'], dtype=object), allow_pickle=True)} */
    static final String OBJECT =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9"
                    + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqABJWQ"
                    + "AAAAAAAAAIwWbnVtcHkuX2NvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5"
                    + "lJOUSwCFlEMBYpSHlFKUKEsBSwKFlGgDjAVkdHlwZZSTlIwCTziUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9L"
                    + "P3SUYoldlChLAYwBYZRldJRiLg==";

    /** {@code np.save(f, np.array([1.0], dtype='<f2'))} */
    static final String F2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwg"
            + "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPA==";

    static byte[] bytes(String base64) {
        return Base64.getDecoder().decode(base64);
    }
}

package dev.marauder.core.data;

import java.nio.ByteOrder;

/**
 * The element types of a NumPy {@code .npy} file that Marauder reads: plain little- or
 * big-endian integers and floats, named as in NumPy's {@code dtype.str} without the byte-order
 * character ({@code f4} for float32, {@code u1} for uint8, ...).
 *
 * <p>Not supported: float16, unsigned integers wider than a byte, complex numbers,
 * strings, structured (record) dtypes and object arrays. Object arrays hold pickled Python
 * objects, and unpickling runs arbitrary code, so they are refused by design.
 */
public enum NpyDtype {
    /**
     * {@code |b1}, NumPy {@code bool}: one byte per element, read as the integers 0 and 1 (the
     * membership masks of LiRA's reference code, {@code keep.npy}, are saved this way).
     */
    BOOL("b1", Elements.Kind.U8),
    /** {@code |u1}, NumPy {@code uint8}; the usual type of image pixels. */
    UINT8("u1", Elements.Kind.U8),
    /** {@code |i1}, NumPy {@code int8}. */
    INT8("i1", Elements.Kind.I8),
    /** {@code <i2}, NumPy {@code int16}. */
    INT16("i2", Elements.Kind.I16),
    /** {@code <i4}, NumPy {@code int32}; NumPy's default integer on Windows before NumPy 2. */
    INT32("i4", Elements.Kind.I32),
    /** {@code <i8}, NumPy {@code int64}; NumPy's default integer elsewhere. */
    INT64("i8", Elements.Kind.I64),
    /** {@code <f4}, NumPy {@code float32}. */
    FLOAT32("f4", Elements.Kind.F32),
    /** {@code <f8}, NumPy {@code float64}; NumPy's default float. */
    FLOAT64("f8", Elements.Kind.F64);

    private final String code;
    final Elements.Kind kind;

    NpyDtype(String code, Elements.Kind kind) {
        this.code = code;
        this.kind = kind;
    }

    /** The type code without byte order, e.g. {@code "f4"}. */
    public String code() {
        return code;
    }

    /** Bytes per element. */
    public int itemSize() {
        return kind.bytes;
    }

    /**
     * The {@code descr} string NumPy writes for this type in {@code order}: {@code "<f4"},
     * {@code ">i8"}, or {@code "|u1"} for one-byte types, whose byte order does not matter.
     */
    public String descr(ByteOrder order) {
        if (kind.bytes == 1) {
            return "|" + code;
        }
        return (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + code;
    }

    /** The type with code {@code code} (e.g. {@code "f4"}), or null if there is none. */
    static NpyDtype ofCode(String code) {
        for (NpyDtype t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }
}

package dev.marauder.core.data;

/**
 * The element types of the IDX format (the format of the MNIST and Fashion-MNIST files), by the
 * type code in the third byte of the file. Multi-byte values are big-endian.
 */
public enum IdxType {
    /** {@code 0x08}: unsigned byte. */
    UBYTE(0x08, Elements.Kind.U8),
    /** {@code 0x09}: signed byte. */
    BYTE(0x09, Elements.Kind.I8),
    /** {@code 0x0B}: 16-bit signed integer. */
    SHORT(0x0B, Elements.Kind.I16),
    /** {@code 0x0C}: 32-bit signed integer. */
    INT(0x0C, Elements.Kind.I32),
    /** {@code 0x0D}: 32-bit IEEE float. */
    FLOAT(0x0D, Elements.Kind.F32),
    /** {@code 0x0E}: 64-bit IEEE float. */
    DOUBLE(0x0E, Elements.Kind.F64);

    private final int code;
    final Elements.Kind kind;

    IdxType(int code, Elements.Kind kind) {
        this.code = code;
        this.kind = kind;
    }

    /** The type code as stored in the file. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int size() {
        return kind.bytes;
    }

    /** The type with {@code code}, or null if there is none. */
    static IdxType ofCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}

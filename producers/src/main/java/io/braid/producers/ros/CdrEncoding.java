package io.braid.producers.ros;

/**
 * The CDR representations of the encapsulation header (DDS-XTypes 1.3, 7.6.3.1.2) that ROS 2 messages (final
 * structures) use: XCDR1 aligns primitives to their size up to 8; XCDR2 caps alignment at 4 and puts a DHEADER (u32
 * byte length) before sequences and arrays of non-primitive elements, and the delimited form also before every
 * structure. Alignment is counted from the end of the 4-byte encapsulation header.
 */
public enum CdrEncoding {
    CDR_BE(0x0000, false, false, false),
    CDR_LE(0x0001, true, false, false),
    CDR2_BE(0x0006, false, true, false),
    CDR2_LE(0x0007, true, true, false),
    D_CDR2_BE(0x0008, false, true, true),
    D_CDR2_LE(0x0009, true, true, true);

    public final int id;
    public final boolean little;
    public final boolean xcdr2;
    public final boolean delimited;

    CdrEncoding(int id, boolean little, boolean xcdr2, boolean delimited) {
        this.id = id;
        this.little = little;
        this.xcdr2 = xcdr2;
        this.delimited = delimited;
    }

    public int maxAlign() {
        return xcdr2 ? 4 : 8;
    }

    public static CdrEncoding of(int id) throws CdrException {
        for (CdrEncoding e : values()) if (e.id == id) return e;
        String what =
                switch (id) {
                    case 0x0002, 0x0003 -> "PL_CDR (parameter list, mutable types)";
                    case 0x000a, 0x000b -> "PL_CDR2 (parameter list, mutable types)";
                    default -> "unknown";
                };
        throw new CdrException(
                "UNSUPPORTED_CDR_REPRESENTATION", String.format("CDR representation 0x%04x is %s", id, what));
    }
}

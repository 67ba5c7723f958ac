package org.gridroute.internal;

import org.gridroute.InvalidArgumentException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.ConcurrentHashMap;

/** Instants as the library's int64 microseconds since the epoch, and results in their time zone. */
public final class Times {
    private Times() {}

    private static final ConcurrentHashMap<String, ZoneId> ZONES = new ConcurrentHashMap<>();

    /** Microseconds since the epoch; TIME_NONE for null. */
    public static long micros(String field, Instant t) {
        if (t == null) {
            return CApi.TIME_NONE;
        }
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException(field + " is out of range: " + t);
        }
    }

    /** The instant of microseconds since the epoch. */
    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** A library time in the zone {@code tz}; null for TIME_NONE. */
    static ZonedDateTime zoned(long micros, String tz) {
        if (micros == CApi.TIME_NONE) {
            return null;
        }
        return zoned(micros, zone(tz));
    }

    /** A library time (not TIME_NONE) in the zone {@code zone}. */
    static ZonedDateTime zoned(long micros, ZoneId zone) {
        return ZonedDateTime.ofInstant(instant(micros), zone);
    }

    /** The IANA zone of a jurisdiction; UTC when the library gave none, or one this JVM does not know. */
    static ZoneId zone(String tz) {
        if (tz == null || tz.isEmpty()) {
            return ZoneId.of("UTC");
        }
        ZoneId z = ZONES.get(tz);
        if (z == null) {
            try {
                z = ZoneId.of(tz);
            } catch (DateTimeException e) {
                z = ZoneId.of("UTC");
            }
            ZONES.putIfAbsent(tz, z);
        }
        return z;
    }
}

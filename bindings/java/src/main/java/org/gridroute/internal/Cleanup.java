package org.gridroute.internal;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.util.function.Consumer;

/** Frees the library's handles (engines, case books) exactly once, closed or not. */
public final class Cleanup {
    private static final Cleaner CLEANER = Cleaner.create();

    private Cleanup() {}

    /**
     * Frees {@code handle} with {@code free} exactly once: at the returned cleanable's {@code clean()} (close()),
     * or when {@code owner} is collected without it. The action holds the handle, never the owner.
     */
    public static Cleaner.Cleanable register(Object owner, Pointer handle, Consumer<Pointer> free) {
        return CLEANER.register(owner, () -> free.accept(handle));
    }
}

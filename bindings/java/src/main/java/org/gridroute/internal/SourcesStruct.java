package org.gridroute.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.gridroute.LoadOptions;
import org.gridroute.Sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Sources} copied into native memory as a {@code gridroute_bundle_sources} (and load options as a
 * {@code gridroute_load_options}). The memory lives as long as this object; the library copies what it needs
 * during the call.
 */
public final class SourcesStruct {
    private final List<Memory> keep = new ArrayList<>();
    private final Structs.BundleSourcesStruct struct = new Structs.BundleSourcesStruct();

    public SourcesStruct(Sources src) {
        if (src.label() != null) {
            struct.label = text("label", src.label());
            struct.label_len = lastLength;
        }
        struct.jurisdiction_json = text("jurisdiction.json", src.jurisdictionJson());
        struct.jurisdiction_json_len = lastLength;
        struct.rules_json = text("rules.json", src.rulesJson());
        struct.rules_json_len = lastLength;
        Map<String, String> files = src.files();
        if (!files.isEmpty()) {
            Structs.FileStruct[] arr = (Structs.FileStruct[]) new Structs.FileStruct().toArray(files.size());
            int i = 0;
            for (Map.Entry<String, String> e : files.entrySet()) {
                arr[i].name = text("a file name", e.getKey());
                arr[i].name_len = lastLength;
                arr[i].data = text(e.getKey(), e.getValue());
                arr[i].data_len = lastLength;
                arr[i].write();
                i++;
            }
            struct.files = arr[0].getPointer();
            struct.file_count = files.size();
            keep.add((Memory) arr[0].getPointer());
        }
        struct.write();
    }

    private long lastLength;

    private Pointer text(String what, String s) {
        if (s == null) {
            lastLength = 0;
            return null;
        }
        byte[] b = Utf8.encode(what, s);
        Memory m = new Memory(b.length + 1);
        m.write(0, b, 0, b.length);
        m.setByte(b.length, (byte) 0);
        keep.add(m);
        lastLength = b.length;
        return m;
    }

    public Pointer pointer() {
        return struct.getPointer();
    }

    /** Load options as a native struct; null (the defaults) for null. */
    public static Pointer loadOptions(LoadOptions o) {
        if (o == null) {
            return null;
        }
        Structs.LoadOptionsStruct s = new Structs.LoadOptionsStruct();
        s.max_json_depth = o.maxJsonDepth();
        s.max_file_bytes = o.maxFileBytes();
        s.max_units = o.maxUnits();
        s.max_handlers = o.maxHandlers();
        s.max_rules = o.maxRules();
        s.max_errors = o.maxErrors();
        s.write();
        return s.getPointer();
    }

    /** The path of a bundle directory as UTF-8. */
    public static byte[] path(String dir) {
        return Utf8.encode("the bundle path", dir);
    }
}

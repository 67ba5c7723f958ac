package org.gridroute.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

import org.gridroute.Diagnostic;
import org.gridroute.GridrouteException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The small structs of {@code gridroute.h} as JNA Structures (read and written by JNA: they are not on the
 * per-issue path). The per-issue structs have their own classes: {@link IssueStruct}, {@link CaseStruct},
 * {@link DecisionStruct}, {@link ActionStruct}.
 */
public final class Structs {
    private Structs() {}

    /** {@code gridroute_string}: a library-owned UTF-8 text, pointer + length. */
    @FieldOrder({"ptr", "len"})
    public static class GrString extends Structure {
        public Pointer ptr;
        public long len;
    }

    /** {@code gridroute_attr}: one issue attribute (never changes: used in arrays). */
    @FieldOrder({"name", "name_len", "type", "bool", "number", "string", "string_len"})
    public static class Attr extends Structure {
        public Pointer name;
        public long name_len;
        public int type;
        public int bool;
        public double number;
        public Pointer string;
        public long string_len;

        static final Attr L = new Attr();
        static final int SIZE = L.size();
        static final int NAME = L.fieldOffset("name");
        static final int NAME_LEN = L.fieldOffset("name_len");
        static final int TYPE = L.fieldOffset("type");
        static final int BOOL = L.fieldOffset("bool");
        static final int NUMBER = L.fieldOffset("number");
        static final int STRING = L.fieldOffset("string");
        static final int STRING_LEN = L.fieldOffset("string_len");

        static final int T_BOOL = 1;
        static final int T_NUMBER = 2;
        static final int T_STRING = 3;
        static final int T_NULL = 4;
        static final int T_OBJECT = 5;
        static final int T_LIST = 6;
    }

    /** {@code gridroute_diagnostic} (never changes: used in arrays). */
    @FieldOrder({"severity", "line", "column", "reserved_", "file", "pointer", "message", "text"})
    public static class DiagnosticStruct extends Structure {
        public int severity;
        public int line;
        public int column;
        public int reserved_;
        public Pointer file;
        public Pointer pointer;
        public Pointer message;
        public Pointer text;

        public DiagnosticStruct() {}

        public DiagnosticStruct(Pointer p) {
            super(p);
            read();
        }

        Diagnostic toDiagnostic() {
            return new Diagnostic(severity == CApi.SEVERITY_WARNING ? Diagnostic.Severity.WARNING
                    : Diagnostic.Severity.ERROR, cString(file), line, column, cString(pointer), cString(message),
                    cString(text));
        }
    }

    /** {@code gridroute_error}: allocated by the library (fields may be appended: never allocated here). */
    @FieldOrder({"code", "message", "file", "line", "column", "pointer", "diagnostic_count", "diagnostics"})
    public static class ErrorStruct extends Structure {
        public int code;
        public Pointer message;
        public Pointer file;
        public int line;
        public int column;
        public Pointer pointer;
        public long diagnostic_count;
        public Pointer diagnostics;

        public ErrorStruct(Pointer p) {
            super(p);
            read();
        }
    }

    /** {@code gridroute_diagnostics}: the list returned by gridroute_engine_check. */
    @FieldOrder({"count", "items"})
    public static class DiagnosticsStruct extends Structure {
        public long count;
        public Pointer items;

        public DiagnosticsStruct(Pointer p) {
            super(p);
            read();
        }

        public List<Diagnostic> toList() {
            return diagnostics(items, count);
        }
    }

    /** {@code gridroute_load_options}; zero means the default. */
    @FieldOrder({"struct_size", "max_json_depth", "max_file_bytes", "max_units", "max_handlers", "max_rules",
            "max_errors"})
    public static class LoadOptionsStruct extends Structure {
        public int struct_size = size();
        public int max_json_depth;
        public long max_file_bytes;
        public long max_units;
        public long max_handlers;
        public long max_rules;
        public long max_errors;
    }

    /** {@code gridroute_file}: a CSV file given in memory (never changes: used in arrays). */
    @FieldOrder({"name", "name_len", "data", "data_len"})
    public static class FileStruct extends Structure {
        public Pointer name;
        public long name_len;
        public Pointer data;
        public long data_len;
    }

    /** {@code gridroute_bundle_sources}: a bundle in memory. */
    @FieldOrder({"struct_size", "reserved_", "label", "label_len", "jurisdiction_json", "jurisdiction_json_len",
            "rules_json", "rules_json_len", "files", "file_count"})
    public static class BundleSourcesStruct extends Structure {
        public int struct_size = size();
        public int reserved_;
        public Pointer label;
        public long label_len;
        public Pointer jurisdiction_json;
        public long jurisdiction_json_len;
        public Pointer rules_json;
        public long rules_json_len;
        public Pointer files;
        public long file_count;
    }

    /** {@code gridroute_check_options}. */
    @FieldOrder({"struct_size", "max_findings_per_kind"})
    public static class CheckOptionsStruct extends Structure {
        public int struct_size = size();
        public int max_findings_per_kind;
    }

    /** {@code gridroute_route_options} and {@code gridroute_escalate_options} (the same shape). */
    @FieldOrder({"struct_size", "flags"})
    public static class FlagsOptionsStruct extends Structure {
        public int struct_size = size();
        public int flags;
    }

    /**
     * gridroute_route_options with GRIDROUTE_ROUTE_EXPLAIN, written once and only read by the library; also
     * gridroute_escalate_options with GRIDROUTE_ESCALATE_EXPLAIN (the same layout, size and bit).
     */
    public static final Pointer EXPLAIN_OPTIONS;

    static {
        FlagsOptionsStruct o = new FlagsOptionsStruct();
        o.flags = CApi.ROUTE_EXPLAIN;
        o.write();
        EXPLAIN_OPTIONS = o.getPointer(); // the Structure's own Memory: it lives as long as this reference
    }

    // ---- helpers

    /** A NUL-terminated UTF-8 string owned by the library; "" for NULL. */
    static String cString(Pointer p) {
        return p == null ? "" : p.getString(0, StandardCharsets.UTF_8.name());
    }

    /** An array of {@code gridroute_diagnostic}. */
    static List<Diagnostic> diagnostics(Pointer items, long count) {
        List<Diagnostic> out = new ArrayList<>((int) Math.min(count, 1 << 16));
        if (items == null) {
            return out;
        }
        int size = new DiagnosticStruct().size();
        for (long i = 0; i < count; i++) {
            out.add(new DiagnosticStruct(items.share(i * size)).toDiagnostic());
        }
        return out;
    }

    /**
     * The exception for a failed call, built from the {@code gridroute_error} in the out-parameter slot
     * {@code errSlot} (freed here, and the slot cleared); from the status alone when there is none.
     */
    public static GridrouteException exception(int status, Pointer errSlot) {
        Pointer err = errSlot.getPointer(0);
        if (err == null) {
            return GridrouteException.of(status, cString(CApi.gridroute_status_string(status)), "", 0, 0, "",
                    List.of());
        }
        errSlot.setPointer(0, null);
        try {
            ErrorStruct e = new ErrorStruct(err);
            return GridrouteException.of(status, cString(e.message), cString(e.file), e.line, e.column,
                    cString(e.pointer), diagnostics(e.diagnostics, e.diagnostic_count));
        } finally {
            CApi.gridroute_error_free(err);
        }
    }
}

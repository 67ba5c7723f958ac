// Reading a bundle: files → JSON/CSV → the described file model (see load/load.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <thread>

#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "base/memory.hpp"
#include "base/suggest.hpp"
#include "base/strings.hpp"
#include "base/text.hpp"
#include "base/zone.hpp"
#include "load/csv.hpp"
#include "load/load.hpp"
#include "load/reader.hpp"

namespace gridroute {

namespace {
// Appends `text` with its control characters (C0 and DEL) escaped.
void append_printable(std::string& s, std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) {
      s.push_back(c);
    } else if (c == '\n') {
      s += "\\n";
    } else if (c == '\r') {
      s += "\\r";
    } else if (c == '\t') {
      s += "\\t";
    } else {
      s += "\\x";
      detail::append_hex(s, u);
    }
  }
}
}  // namespace

std::string Diagnostic::to_string() const {
  std::string s;
  if (!file.empty()) {
    append_printable(s, file);
    if (line > 0) detail::append(s, ":", line);
    if (column > 0) detail::append(s, ":", column);
    s += ": ";
  }
  if (!pointer.empty()) {
    append_printable(s, pointer);
    s += ": ";
  }
  if (severity == Severity::warning) s += "warning: ";
  else if (severity == Severity::note) s += "note: ";
  append_printable(s, message);
  return s;
}

namespace detail {
namespace {
namespace json = boost::json;

// One file of the digest: its kind (one byte), its length (8 bytes, little-endian), its bytes (none here
// when `n` is given ahead of bytes that follow).
void digest_file(EVP_MD_CTX* ctx, int kind, std::uint64_t n, std::string_view bytes) {
  unsigned char head[9];
  head[0] = static_cast<unsigned char>(kind);
  for (int b = 0; b < 8; ++b) head[1 + b] = static_cast<unsigned char>(n >> (8 * b));
  EVP_DigestUpdate(ctx, head, sizeof head);
  if (!bytes.empty()) EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
}

// A file's text: a large one in a mapping of its own, in huge pages (base/memory.hpp), where reading a
// file of hundreds of MB page by page would fault 4 KiB at a time; the heap's pages are asked nothing.
using FileText = std::basic_string<char, std::char_traits<char>, detail::BigAllocator<char>>;

struct Texts {
  std::string names[kFileCount];   // display names, per FileId
  FileText bodies[kFileCount];
  bool present[kFileCount] = {};
};

// Hard ceilings on options, whatever a caller sets: the loader and the Boost.JSON value tree recurse on
// nesting, so the JSON depth is kept well inside the machine stack.
constexpr std::size_t kHardMaxJsonDepth = 1000;
// A CSV record never needs more than the 6 columns of handlers.csv; more is refused early (each field
// costs a std::string, so a line of commas would otherwise cost ~32 bytes of memory per input byte).
constexpr std::size_t kMaxCsvFields = 64;

LoadOptions clamp(LoadOptions o) {
  if (o.max_errors == 0) o.max_errors = 1;  // errors must never be dropped entirely (a broken model would compile)
  if (o.max_json_depth > kHardMaxJsonDepth) o.max_json_depth = kHardMaxJsonDepth;
  if (o.max_tiers > 255) o.max_tiers = 255;  // a unit's tier is kept in 8 bits (Snapshot::tier_of)
  return o;
}

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

// What identifies the content of a file, to notice a file changed while the bundle was being loaded.
struct FileStamp {
  std::string path;
  std::string display;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  struct timespec mtime {};
  struct timespec ctime {};
};

bool same_stamp(const FileStamp& a, const struct stat& st) {
  return a.dev == st.st_dev && a.ino == st.st_ino && a.size == st.st_size && a.mtime.tv_sec == st.st_mtim.tv_sec &&
         a.mtime.tv_nsec == st.st_mtim.tv_nsec && a.ctime.tv_sec == st.st_ctim.tv_sec &&
         a.ctime.tv_nsec == st.st_ctim.tv_nsec;
}

// Hardening: the header name of the CSV column holding byte `at` ("name: "), best effort (a quoted field
// spanning lines is not followed), or "" when it cannot be told.
std::string csv_column_at(std::string_view text, std::size_t at) {
  std::string_view body = text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
  if (at < text.size() - body.size()) return "";
  at -= text.size() - body.size();
  std::size_t line_start = body.rfind('\n', at == 0 ? 0 : at - 1);
  line_start = line_start == std::string_view::npos || at == 0 ? 0 : line_start + 1;
  if (line_start == 0) return "";  // in the header itself
  std::size_t index = 0;
  bool quoted = false;
  for (std::size_t i = line_start; i < at; ++i) {
    if (body[i] == '"') quoted = !quoted;
    else if (body[i] == ',' && !quoted) ++index;
  }
  std::string_view header = body.substr(0, body.find('\n'));
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  for (std::size_t k = 0; k < index; ++k) {
    auto comma = header.find(',');
    if (comma == std::string_view::npos) return "";
    header.remove_prefix(comma + 1);
  }
  std::string_view name = header.substr(0, header.find(','));
  if (name.empty() || name.size() > 32 || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string_view::npos)
    return "";
  return detail::cat(name, ": ");
}

}  // namespace

// Whether `pointer` matches `pattern`, where "#" stands for one array index: "/units/#/name".
bool pointer_is(std::string_view pointer, std::string_view pattern) {
  while (!pattern.empty()) {
    if (pattern.front() == '#') {
      std::size_t digits = 0;
      while (digits < pointer.size() && pointer[digits] >= '0' && pointer[digits] <= '9') ++digits;
      if (digits == 0) return false;
      pointer.remove_prefix(digits);
      pattern.remove_prefix(1);
    } else {
      if (pointer.empty() || pointer.front() != pattern.front()) return false;
      pointer.remove_prefix(1);
      pattern.remove_prefix(1);
    }
  }
  return pointer.empty();
}

// Fields of jurisdiction.json that nothing else refers to (optional settings, informative names): a
// wrong type in one leaves it unset, and the rest of the jurisdiction is still compiled and checked.
constexpr std::string_view jur_harmless[] = {"/name", "/snap_meters", "/local_times", "/units/#/name", "/handlers/#/name"};
// The same in rules.json, besides the parts contained_in_parts knows.
constexpr std::string_view rules_harmless[] = {"/categories/#/name", "/escalation_policies/#/levels/#/name"};

template <std::size_t N>
bool harmless(const detail::PointedError& e, const std::string_view (&fields)[N]) {
  return e.benign || std::any_of(std::begin(fields), std::end(fields), [&](std::string_view f) { return pointer_is(e.pointer, f); });
}

namespace {

// Where a pointer lies with respect to a list of the file ("/rules"): outside it, on the list itself,
// or in its element `n` (which may lie past the list's end).
enum class InList { outside, whole, element };
InList in_list(std::string_view pointer, std::string_view list, std::size_t& n) {
  if (!pointer.starts_with(list)) return InList::outside;
  pointer.remove_prefix(list.size());
  if (pointer.empty()) return InList::whole;
  if (pointer.front() != '/') return InList::outside;
  pointer.remove_prefix(1);
  std::size_t digits = 0;
  n = 0;
  while (digits < pointer.size() && digits < 9 && pointer[digits] >= '0' && pointer[digits] <= '9')
    n = n * 10 + static_cast<std::size_t>(pointer[digits++] - '0');
  if (digits == 0 || (digits < pointer.size() && pointer[digits] != '/')) return InList::outside;
  return InList::element;
}

// Marks element `n` of a list of `size` elements in `flags`; false when there is no such element.
bool mark(std::vector<bool>& flags, std::size_t size, std::size_t n) {
  if (n >= size) return false;
  flags.resize(size, false);
  flags[n] = true;
  return true;
}

// One reference token of a JSON pointer, unescaped ("a~1b" is "a/b").
std::string unescape_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out.push_back(token[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

// Whether every shape error of rules.json lies inside one part of it (a rule, a policy, a calendar, a
// declared role, attribute or category, the defaults, the format) or in a field nothing else refers to
// (rules_harmless); if so, marks the broken parts in `rules` (see spec::Rules::broken_rules), so that
// each holds back only its own checks and those that depend on it (SPEC §2: every error found).
bool contained_in_parts(const std::vector<detail::PointedError>& errs, spec::Rules& rules) {
  spec::Rules marks;
  for (const auto& e : errs) {
    if (harmless(e, rules_harmless)) continue;
    const std::string_view p = e.pointer;
    std::size_t n = 0;
    InList at = InList::outside;
    if (p == "/format") {
      marks.broken_format = true;
    } else if (p == "/defaults" || p.starts_with("/defaults/")) {
      marks.broken_defaults = true;
    } else if ((at = in_list(p, "/rules", n)) != InList::outside) {
      if (at == InList::whole || !mark(marks.broken_rules, rules.rules.size(), n)) return false;
    } else if ((at = in_list(p, "/escalation_policies", n)) != InList::outside) {
      if (at == InList::whole) marks.unknown_policies = true;
      else if (!mark(marks.broken_policies, rules.escalation_policies.size(), n)) return false;
    } else if ((at = in_list(p, "/calendars", n)) != InList::outside) {
      if (at == InList::whole) marks.unknown_calendars = true;
      else if (!mark(marks.broken_calendars, rules.calendars.size(), n)) return false;
    } else if ((at = in_list(p, "/roles", n)) != InList::outside) {
      marks.unknown_roles = true;
      if (at == InList::element && !mark(marks.broken_roles, rules.roles.size(), n)) return false;
    } else if (in_list(p, "/categories", n) != InList::outside) {
      // A wrong type anywhere in the taxonomy leaves none (the optional list is dropped whole), against
      // which nothing is checked.
    } else if (p == "/attributes") {
      marks.unknown_attributes = true;
    } else if (p.starts_with("/attributes/") && p.find('/', 12) == std::string_view::npos) {
      marks.broken_attributes.push_back(unescape_token(p.substr(12)));
    } else {
      return false;
    }
  }
  // A broken policy or calendar whose id could not be read is known by no name.
  for (std::size_t i = 0; i < marks.broken_policies.size(); ++i)
    if (marks.broken_policies[i] && rules.escalation_policies[i].id.empty()) marks.unknown_policies = true;
  for (std::size_t i = 0; i < marks.broken_calendars.size(); ++i)
    if (marks.broken_calendars[i] && rules.calendars[i].id.empty()) marks.unknown_calendars = true;
  rules.broken_rules = std::move(marks.broken_rules);
  rules.broken_policies = std::move(marks.broken_policies);
  rules.broken_calendars = std::move(marks.broken_calendars);
  rules.broken_roles = std::move(marks.broken_roles);
  rules.broken_attributes = std::move(marks.broken_attributes);
  rules.broken_format = marks.broken_format;
  rules.broken_defaults = marks.broken_defaults;
  rules.unknown_roles = marks.unknown_roles;
  rules.unknown_attributes = marks.unknown_attributes;
  rules.unknown_calendars = marks.unknown_calendars;
  rules.unknown_policies = marks.unknown_policies;
  return true;
}

// The same for jurisdiction.json, before its units and handlers move to the row tables: a broken
// handler holds back its own checks; a broken unit (or unit list) those that read the unit table, which
// `units_broken` says. False when an error lies elsewhere (the tiers, the time zone...).
bool contained_in_parts(const std::vector<detail::PointedError>& errs, spec::Jurisdiction& jur, bool& units_broken) {
  std::vector<bool> handlers;
  bool units = false;
  for (const auto& e : errs) {
    if (harmless(e, jur_harmless)) continue;
    std::size_t n = 0;
    InList at = InList::outside;
    if ((at = in_list(e.pointer, "/units", n)) != InList::outside) {
      units = true;
    } else if ((at = in_list(e.pointer, "/handlers", n)) != InList::outside) {
      if (at == InList::whole || !mark(handlers, jur.handlers.size(), n)) return false;
    } else {
      return false;
    }
  }
  jur.unknown_handlers = false;
  for (std::size_t i = 0; i < handlers.size(); ++i)
    if (handlers[i] && jur.handlers[i].id.empty()) jur.unknown_handlers = true;
  jur.broken_handlers = std::move(handlers);
  units_broken = units;
  return true;
}

}  // namespace

struct BundleReader::Impl {
  explicit Impl(const LoadOptions& o) : opt_(clamp(o)), problems_(opt_.max_errors) {}
  Texts t;

  // Reads a file; adds a diagnostic and returns false when it cannot.
  // Hardening: only regular files are read (a FIFO would block, /dev/zero would never end); the read is
  // bounded by max_file_bytes whatever stat said; the file's identity is kept to notice a change during
  // the load (see check_unchanged).
  // `named_by` (e.g. "/units_csv"): the field of jurisdiction.json that names the file, where a missing
  // file is reported.
  bool read_file(const std::string& path, const std::string& display, FileText& out,
                 std::string_view named_by = {}) {
    struct stat fst;
    int fd = open_checked(path, display, named_by, fst);
    if (fd < 0) return false;
    return read_open(fd, fst, path, display, out);
  }

  // The checks of read_file, up to an open descriptor (else -1, with a diagnostic); `fst` is its status.
  int open_checked(const std::string& path, const std::string& display, std::string_view named_by, struct stat& fst) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int e = errno;
      if (e == ENOENT && !named_by.empty()) {
        // A file jurisdiction.json names: the error is the naming field's (SPEC §2: FILE:LINE:COLUMN: /pointer).
        problems_.json(FileId::jurisdiction, std::string(named_by),
                       detail::cat("no such file \"", detail::utf8_prefix(std::filesystem::path(path).filename().string(), 80),
                                   "\" beside jurisdiction.json"));
        return -1;
      }
      if (e == ENAMETOOLONG && !named_by.empty()) {
        // The name is the naming field's problem too: no file of that name can exist.
        const std::string name = std::filesystem::path(path).filename().string();
        problems_.json(FileId::jurisdiction, std::string(named_by),
                       detail::cat("file name \"", detail::clipped(name), "\" is ", name.size(),
                                   " bytes, too long for the file system"));
        return -1;
      }
      fatal(display, e == ENOENT ? std::string("no such file") : detail::cat("cannot read: ", errno_text(e)));
      return -1;
    }
    if (S_ISDIR(st.st_mode)) {
      fatal(display, "is a directory, not a file");
      return -1;
    }
    if (!S_ISREG(st.st_mode)) {
      fatal(display, "is not a regular file (a FIFO, socket or device cannot be part of a bundle)");
      return -1;
    }
    if (static_cast<std::uint64_t>(st.st_size) > opt_.max_file_bytes) {
      fatal(display, too_large(static_cast<std::uint64_t>(st.st_size)));
      return -1;
    }
    // O_NONBLOCK: should the path have become a FIFO since stat, open must not wait for a writer.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      int e = errno;
      fatal(display, detail::cat("cannot open for reading: ", errno_text(e)));
      return -1;
    }
    if (::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
      ::close(fd);
      fatal(display, "is not a regular file (it changed while being opened)");
      return -1;
    }
    return fd;
  }

  bool read_open(int fd, const struct stat& fst, const std::string& path, const std::string& display, FileText& out) {
    out.clear();
    out.reserve(std::min<std::size_t>(static_cast<std::size_t>(fst.st_size), opt_.max_file_bytes));
    char buf[1 << 16];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        ::close(fd);
        fatal(display, detail::cat("read error: ", errno_text(e)));
        return false;
      }
      if (n == 0) break;
      out.append(buf, static_cast<std::size_t>(n));
      if (out.size() > opt_.max_file_bytes) {
        ::close(fd);
        fatal(display, too_large(out.size()));
        return false;
      }
    }
    ::close(fd);
    FileStamp stamp{path, display, fst.st_dev, fst.st_ino, fst.st_size, fst.st_mtim, fst.st_ctim};
    if (static_cast<std::uint64_t>(out.size()) != static_cast<std::uint64_t>(fst.st_size)) {
      fatal(display, kSizeChanged);
      return false;
    }
    stamps_.push_back(std::move(stamp));
    return true;
  }
  static constexpr const char* kSizeChanged =
      "changed while the bundle was being loaded (its size changed during the read); load it again "
      "once it is stable, or replace bundles by renaming a complete directory";

  // The cell polygons of a bundle directory: read by chunks while
  // they are parsed (geo::CellsSource::read), so that the whole text is never held; digested as they pass.
  struct CellsStream {
    int fd = -1;
    struct stat st {};
    std::uint64_t done = 0;
    bool complete = false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha{nullptr, &EVP_MD_CTX_free};
    ~CellsStream() {
      if (fd >= 0) ::close(fd);
    }
  };
  std::unique_ptr<CellsStream> stream_;

  // The digest of the files before the cell polygons, taken once: sha256() and the polygons' stream go on
  // from a copy of it, so that a CSV file's text can be freed as soon as it is compiled (release_text).
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> head_sha_{nullptr, &EVP_MD_CTX_free};
  const EVP_MD_CTX* head_digest() {
    if (!head_sha_) {
      std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
      if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
      for (int k = 0; k < kFileCount; ++k)
        if (t.present[k] && k != static_cast<int>(FileId::cells_geojson)) digest_file(ctx.get(), k, t.bodies[k].size(), t.bodies[k]);
      head_sha_ = std::move(ctx);
    }
    return head_sha_.get();
  }
  // Frees a CSV file's text once nothing points into it (the compiler has dropped its rows); its bytes
  // are in the digest first. Diagnostics never quote a CSV file's text (they name its lines).
  void release_text(FileId f) {
    head_digest();
    FileText().swap(t.bodies[static_cast<std::size_t>(f)]);
  }

  std::ptrdiff_t read_cells(char* buf, std::size_t size) {
    const std::string& display = t.names[static_cast<std::size_t>(FileId::cells_geojson)];
    if (!stream_ || stream_->fd < 0) return 0;
    CellsStream& s = *stream_;
    if (!s.sha) {  // the digest of the files before it, as sha256() takes them (see there)
      s.sha.reset(EVP_MD_CTX_new());
      if (!s.sha || EVP_MD_CTX_copy_ex(s.sha.get(), head_digest()) != 1) throw std::bad_alloc();
      digest_file(s.sha.get(), static_cast<int>(FileId::cells_geojson), static_cast<std::uint64_t>(s.st.st_size), {});
    }
    while (true) {
      ssize_t n = ::read(s.fd, buf, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        ::close(s.fd);
        s.fd = -1;
        fatal(display, detail::cat("read error: ", errno_text(e)));
        return -1;
      }
      if (n == 0 || s.done + static_cast<std::uint64_t>(n) > static_cast<std::uint64_t>(s.st.st_size)) {
        ::close(s.fd);
        s.fd = -1;
        if (n != 0 || s.done != static_cast<std::uint64_t>(s.st.st_size)) {
          fatal(display, kSizeChanged);
          return -1;
        }
        stamps_.push_back(FileStamp{display, display, s.st.st_dev, s.st.st_ino, s.st.st_size, s.st.st_mtim, s.st.st_ctim});
        s.complete = true;
        return 0;
      }
      s.done += static_cast<std::uint64_t>(n);
      EVP_DigestUpdate(s.sha.get(), buf, static_cast<std::size_t>(n));
      return n;
    }
  }
  // The whole text, to place errors in it.
  std::optional<std::string_view> read_cells_whole() {
    const auto k = static_cast<std::size_t>(FileId::cells_geojson);
    stream_.reset();
    if (!read_file(t.names[k], t.names[k], t.bodies[k])) return std::nullopt;
    t.present[k] = true;
    return std::string_view(t.bodies[k]);
  }

  // Hardening: a bundle edited while it is loaded could mix old and new files into one snapshot. Every
  // file read is stat'ed again at the end; any change (content size, modification or status-change time,
  // or the file being replaced) refuses the load.
  void check_unchanged() {
    for (const auto& f : stamps_) {
      struct stat st;
      if (::stat(f.path.c_str(), &st) != 0 || !same_stamp(f, st))
        fatal(f.display, "changed while the bundle was being loaded; load it again once it is stable, or replace "
                         "bundles by renaming a complete directory");
    }
  }

  std::string too_large(std::uint64_t size) const {
    return detail::cat("file is ", size, " bytes, larger than the limit of ", opt_.max_file_bytes,
                       " bytes (LoadOptions::max_file_bytes)");
  }

  void fatal(const std::string& file, std::string message) {
    Diagnostic d;
    d.file = file;
    d.message = detail::bounded_message(std::move(message));
    out_.push_back(std::move(d));
  }

  std::optional<json::value> parse(const std::string& display, std::string_view text) {
    std::string_view body = text;
    std::size_t bom = body.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    body.remove_prefix(bom);
    std::size_t bad = 0;
    if (!valid_utf8(body, bad)) {
      auto pos = detail::position_of(body, bad);
      // Hardening: also name the field (the text before the bad byte is valid JSON so far, as a rule). A
      // bad byte in a member's name is said to be there, at the object that holds the member: the last
      // value read before it may be its neighbour's.
      std::string pointer = detail::pointer_at(body.substr(0, bad), bad);
      std::string_view what = "invalid UTF-8";
      if (const detail::BytePlace at = detail::byte_place(body, bad); at.in == detail::BytePlace::In::name) {
        std::size_t cut = 0;
        for (std::size_t k = 1; k < at.depth && cut != std::string::npos; ++k) cut = pointer.find('/', cut + 1);
        if (cut != std::string::npos) pointer.resize(cut);
        if (at.quoted) what = "invalid UTF-8 in a field's name";  // else where a name would begin
      }
      Diagnostic d{Diagnostic::Severity::error, display, pos.line, pos.column, std::move(pointer),
                   detail::cat(what, detail::encoding_hint(body, bad, detail::TextKind::json))};
      out_.push_back(std::move(d));
      return std::nullopt;
    }
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      fatal(display, "the file is empty (expected a JSON object)");
      return std::nullopt;
    }
    std::string err;
    std::size_t offset = 0;
    auto v = detail::parse_json(body, opt_.max_json_depth, err, offset);
    if (!v) {
      auto pos = detail::position_of(body, offset);
      // Hardening: name the field where the parser stopped (e.g. a {"not": {"not": ...}} chain that is
      // nested too deep) and, for the depth limit, the option that sets it.
      std::string where = detail::pointer_at(body, offset);
      if (err.starts_with("JSON nested deeper")) err += " (LoadOptions::max_json_depth)";
      out_.push_back({Diagnostic::Severity::error, display, pos.line, pos.column, where, err});
      return std::nullopt;
    }
    for (const auto& [p, at] : detail::duplicate_keys(body, 20)) {
      auto pos = detail::position_of(body, at);
      out_.push_back({Diagnostic::Severity::error, display, pos.line, pos.column, p, "duplicate key"});
    }
    if (!v->is_object()) {
      out_.push_back({Diagnostic::Severity::error, display, 1, 1, "", "must be a JSON object"});
      return std::nullopt;
    }
    return v;
  }

  // Appends CSV rows to the model. `kind` is units_csv or handlers_csv.
  // Problems go to `problems` and file-level errors to `out`: the two CSV files may be read on two threads.
  void csv(FileId kind, const std::string& display, std::string_view text, spec::Jurisdiction& jur, Problems& problems,
           std::vector<Diagnostic>& out) {
    // A file whose last line has no line end may have been cut short (a copy that stopped, a download
    // cut): an error on that line says so.
    const bool no_line_end = !text.empty() && text.back() != '\n';
    const std::int64_t last_line = 1 + static_cast<std::int64_t>(std::count(text.begin(), text.end(), '\n'));
    std::size_t bad = 0;
    if (!valid_utf8(text, bad)) {
      auto pos = detail::position_of(text, bad);
      // A character cut in two at the very end: the file was cut, not written in another encoding.
      const bool cut = no_line_end && text.size() - bad < 4 && text.find('\n', bad) == std::string_view::npos &&
                       text.find('\r', bad) == std::string_view::npos;
      const std::string hint = detail::encoding_hint(text, bad, detail::TextKind::csv);
      // Characters of more than one byte before it, all valid: the file is UTF-8 (not GBK, say).
      const bool utf8_before = std::any_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad),
                                           [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
      out.push_back({Diagnostic::Severity::error, display, pos.line, 0, "",
                      cut && (hint.empty() || utf8_before) ? detail::cat(csv_column_at(text, bad),
                                                        "invalid UTF-8: the file ends inside a character (was it cut short?)")
                                          : detail::cat(csv_column_at(text, bad), "invalid UTF-8", hint)});
      return;
    }
    std::string err;
    std::int64_t err_line = 0;
    // Hardening: a header plus at most max_units (max_handlers) rows, and kMaxCsvFields fields a row.
    const bool is_units = kind == FileId::units_csv;
    detail::CsvLimits limits;
    std::size_t max_rows = is_units ? opt_.max_units : opt_.max_handlers;
    limits.max_records = max_rows == static_cast<std::size_t>(-1) ? max_rows : max_rows + 1;
    limits.max_fields = kMaxCsvFields;
    limits.records_option = is_units ? "LoadOptions::max_units" : "LoadOptions::max_handlers";
    const bool units = kind == FileId::units_csv;
    const std::vector<std::string_view> expected =
        units ? std::vector<std::string_view>{"id", "parent", "tier", "name"}
              : std::vector<std::string_view>{"id", "role", "department", "serves", "name", "calendar"};
    std::size_t header_size = 0;
    bool seen_header = false, header_ok = true, pool_full = false, separated_otherwise = false;
    std::vector<int> col(expected.size(), -1);
    // Rows stream from the parser into the row tables: their fields are references into `text` (kept by
    // the reader until the compiler is done), with no object per row.
    if (units) {
      jur.unit_rows.set_file(text);
      jur.unit_rows.reserve(jur.unit_rows.size() + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
    } else {
      jur.handler_rows.set_file(text);
      jur.handler_rows.reserve(jur.handler_rows.size() + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
    }
    auto on_header = [&](std::int64_t line, std::span<const std::string_view> fields) {
      header_size = fields.size();
      std::vector<std::string> header(fields.begin(), fields.end());
      if (!header_shape_ok(kind, line, header, units ? "id,parent,tier,name" : "id,role,department,serves,name,calendar",
                           problems)) {
        header_ok = false;
        separated_otherwise = header.size() == 1;
        return;
      }
      // Columns by name; the header must name each expected column once and nothing else.
      for (std::size_t i = 0; i < header.size(); ++i) {
        auto it = std::find(expected.begin(), expected.end(), header[i]);
        if (it == expected.end()) {
          Suggest near(header[i]);
          near.consider_all(expected);
          problems.csv(kind, line, detail::cat("unknown column '", header[i], "'",
                                                near.found() ? detail::cat(" (did you mean '", near.best(), "'?)") : "",
                                                " (expected header ",
                                                units ? "id,parent,tier,name" : "id,role,department,serves,name,calendar", ")"));
          header_ok = false;
        } else if (col[static_cast<std::size_t>(it - expected.begin())] >= 0) {
          problems.csv(kind, line, detail::cat("column '", header[i], "' appears twice"));
          header_ok = false;
        } else {
          col[static_cast<std::size_t>(it - expected.begin())] = static_cast<int>(i);
        }
      }
      for (std::size_t k = 0; k < expected.size(); ++k)
        if (col[k] < 0 && (expected[k] == "id" || (units ? expected[k] == "tier" : (expected[k] == "role" || expected[k] == "serves")))) {
          problems.csv(kind, line, detail::cat("missing column '", expected[k], "'"));
          header_ok = false;
        }
    };
    auto on_record = [&](std::int64_t line, std::span<const std::string_view> fields) {
      if (!seen_header) {
        seen_header = true;
        on_header(line, fields);
        return;
      }
      if (!header_ok || pool_full) return;
      if (fields.size() != header_size) {
        problems.csv(kind, line, detail::cat("has ", fields.size(), fields.size() == 1 ? " field" : " fields",
                                              "; the header has ", header_size,
                                              no_line_end && line == last_line
                                                  ? " (the file's last line, without a line end: was the file cut short?)"
                                                  : ""));
        return;
      }
      auto field = [&](std::size_t k) -> std::optional<std::string_view> {
        if (col[k] < 0) return std::nullopt;
        const std::string_view f = fields[static_cast<std::size_t>(col[k])];
        if (f.empty()) return std::nullopt;
        return f;
      };
      if (units) {
        const auto id = field(0), tier = field(2);
        if (!id) { problems.csv(kind, line, "id: missing unit id"); return; }
        if (!tier) { problems.csv(kind, line, "tier: missing tier"); return; }
        pool_full = !jur.unit_rows.add(*id, *tier, field(1), field(3), true, line);
      } else {
        const auto id = field(0), role = field(1);
        if (auto s = field(3)) {
          std::string_view sv = *s;
          while (!sv.empty() && !pool_full) {
            auto semi = sv.find(';');
            std::string_view part = sv.substr(0, semi);
            if (!part.empty()) pool_full = !jur.handler_rows.add_serve(part);
            if (semi == std::string_view::npos) break;
            sv.remove_prefix(semi + 1);
          }
        }
        if (!id || !role) {
          jur.handler_rows.drop_serves();
          problems.csv(kind, line, !id ? "id: missing handler id" : "role: missing role");
          return;
        }
        pool_full = pool_full || !jur.handler_rows.add(*id, *role, field(2), field(4), field(5), true, line);
      }
      if (pool_full)
        problems.csv(kind, line, detail::cat("the fields of the file's rows hold more than ", spec::TextSource::kMaxBytes,
                                              " bytes that had to be copied (doubled quotes); the row table cannot hold them"));
    };
    const bool parsed = detail::for_each_csv_record(text, err, err_line, limits, on_record);
    // A file separated by tabs or semicolons is read wrong from its header on: a quote the reader then
    // finds out of place is that error's consequence, not one more.
    if (!parsed && !separated_otherwise) problems.csv(kind, err_line, err);
    if (!seen_header && parsed) problems.csv(kind, 1, "the file is empty (expected a header line)");
  }

  // Reads units_csv and handlers_csv into the row tables. Two large files are parsed at once, the
  // handlers on a second thread (their problems are added after the units', as when read in turn).
  void read_csv_files(spec::Jurisdiction& jur) {
    const bool units = jur.units_csv && load_side(*jur.units_csv, FileId::units_csv);
    const bool handlers = jur.handlers_csv && load_side(*jur.handlers_csv, FileId::handlers_csv);
    if (units) jur.release_units_text = [this] { release_text(FileId::units_csv); };
    if (handlers) jur.release_handlers_text = [this] { release_text(FileId::handlers_csv); };
    constexpr std::size_t kWorthAThread = std::size_t{4} << 20;
    if (units && handlers && t.bodies[2].size() >= kWorthAThread && t.bodies[3].size() >= kWorthAThread) {
      Problems handler_problems(opt_.max_errors);
      std::vector<Diagnostic> handler_out;
      std::exception_ptr failed;
      std::thread second([&] {
        try {
          csv(FileId::handlers_csv, t.names[3], t.bodies[3], jur, handler_problems, handler_out);
        } catch (...) {
          failed = std::current_exception();
        }
      });
      try {
        csv(FileId::units_csv, t.names[2], t.bodies[2], jur, problems_, out_);
      } catch (...) {
        second.join();
        throw;
      }
      second.join();
      if (failed) std::rethrow_exception(failed);
      for (Problem& p : handler_problems.list) problems_.csv(p.file, p.line, std::move(p.message), p.followup);
      for (Diagnostic& d : handler_out) out_.push_back(std::move(d));
      return;
    }
    if (units) csv(FileId::units_csv, t.names[2], t.bodies[2], jur, problems_, out_);
    if (handlers) csv(FileId::handlers_csv, t.names[3], t.bodies[3], jur, problems_, out_);
  }

  // A header that shows the file is not what the reader expects: separated by tabs or semicolons (what
  // spreadsheets write in some locales), or with capitalised column names. False (with the error) then.
  bool header_shape_ok(FileId kind, std::int64_t line, const std::vector<std::string>& header, std::string_view expected,
                       Problems& problems) {
    auto shown = [](std::string_view text) {
      std::string out;
      for (char c : detail::utf8_prefix(text, 120)) {
        if (c == '\t') out += "\\t";
        else out.push_back(c);
      }
      return out;
    };
    if (header.size() == 1) {
      const std::string& h = header[0];
      const char* kind_of = h.find('\t') != std::string::npos ? "tab" : h.find(';') != std::string::npos ? "semicolon" : nullptr;
      if (kind_of) {
        problems.csv(kind, line, detail::cat("the file looks ", kind_of, "-separated (its header \"", shown(h),
                                              "\" has no commas); gridroute reads comma-separated values (RFC 4180) "
                                              "with the header ", expected));
        return false;
      }
    }
    std::string joined, lower;
    bool capitalised = false, all_known = true;
    for (std::size_t i = 0; i < header.size(); ++i) {
      std::string l = header[i];
      for (char& c : l) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      capitalised = capitalised || l != header[i];
      all_known = all_known && ("," + std::string(expected) + ",").find("," + l + ",") != std::string::npos;
      detail::append(joined, i ? "," : "", header[i]);
      detail::append(lower, i ? "," : "", l);
    }
    if (capitalised && all_known) {
      problems.csv(kind, line, detail::cat("column names are lower case: the header \"", shown(joined),
                                            "\" must read \"", lower, "\""));
      return false;
    }
    return true;
  }

  void to_rows(spec::Jurisdiction& jur) {
    jur.unit_rows.reserve(jur.units.size());
    for (std::size_t i = 0; i < jur.units.size(); ++i) {
      const spec::Unit& u = jur.units[i];
      auto opt = [](const std::optional<std::string>& s) { return s ? std::optional<std::string_view>(*s) : std::nullopt; };
      if (!jur.unit_rows.add(u.id, u.tier, opt(u.parent), opt(u.name), false, static_cast<std::int64_t>(i)))
        problems_.json(FileId::jurisdiction, "/units", "the units' fields hold more than 2 GiB of text");
    }
    jur.handler_rows.reserve(jur.handlers.size());
    for (std::size_t i = 0; i < jur.handlers.size(); ++i) {
      const spec::Handler& h = jur.handlers[i];
      auto opt = [](const std::optional<std::string>& s) { return s ? std::optional<std::string_view>(*s) : std::nullopt; };
      bool ok = true;
      for (const std::string& u : h.serves) ok = ok && jur.handler_rows.add_serve(u);
      ok = ok && jur.handler_rows.add(h.id, h.role, opt(h.department), opt(h.name), opt(h.calendar), false,
                                      static_cast<std::int64_t>(i));
      if (!ok) problems_.json(FileId::jurisdiction, "/handlers", "the handlers' fields hold more than 2 GiB of text");
    }
    jur.units = {};
    jur.handlers = {};
  }

  bool parse(spec::Jurisdiction& jur, spec::Rules& rules) {
    // A file that could not be read (missing, unreadable, too large) breaks its side only, as one that is
    // not JSON does: the other file is still read and compiled, so that its errors are reported in the
    // same run (SPEC §2: all errors found are reported). The read error itself refuses the bundle.
    if (!out_.empty() && !t.present[0] && !t.present[1]) return false;
    std::vector<detail::PointedError> jerrs, rerrs;
    bool parsed = true;
    // A file that is not JSON (a syntax error, invalid UTF-8, empty) breaks its side only: the other
    // file is still read and compiled, so that its errors are reported in the same run.
    bool jur_syntax = !t.present[0], rules_syntax = !t.present[1];
    if (t.present[0]) {
      auto v = parse(t.names[0], t.bodies[0]);
      jur_syntax = !v;
      // Hardening: refuse oversized lists before building the file model from them.
      if (v && count_ok(*v, FileId::jurisdiction, "units", opt_.max_units, "units", "LoadOptions::max_units") &&
          count_ok(*v, FileId::jurisdiction, "handlers", opt_.max_handlers, "handlers", "LoadOptions::max_handlers")) {
        detail::Reader r(jerrs, opt_.max_errors);
        // Hardening: a read that failed must not compile, even if its errors were not all recorded.
        if (!r.read(*v, jur) && jerrs.empty()) parsed = false;
      } else if (v) {
        parsed = false;
      }
    }
    if (t.present[1]) {
      auto v = parse(t.names[1], t.bodies[1]);
      rules_syntax = !v;
      if (v && count_ok(*v, FileId::rules, "rules", opt_.max_rules, "rules", "LoadOptions::max_rules") &&
          count_ok(*v, FileId::rules, "calendars", opt_.max_calendars, "calendars", "LoadOptions::max_calendars")) {
        detail::Reader r(rerrs, opt_.max_errors);
        if (!r.read(*v, rules) && rerrs.empty()) parsed = false;
      } else if (v) {
        parsed = false;
      }
    }
    // Shape errors that stay inside parts of a file break those parts only (see contained_in_parts);
    // others break the file's side.
    bool units_broken = false;
    const bool jur_broken = jur_syntax || (!jerrs.empty() && !contained_in_parts(jerrs, jur, units_broken));
    const bool rules_broken = rules_syntax || (!rerrs.empty() && !contained_in_parts(rerrs, rules));
    // The units and handlers of jurisdiction.json become the first rows of the row tables (their origin
    // is their index); the CSV rows follow.
    to_rows(jur);
    for (auto& e : jerrs) problems_.json(FileId::jurisdiction, e.pointer, e.message);
    for (auto& e : rerrs) problems_.json(FileId::rules, e.pointer, e.message);
    const std::size_t syntax_errors = out_.size();
    if (!parsed || (jur_broken && rules_broken)) return false;
    // A side with shape errors is replaced by an empty stand-in, and the other side is still compiled,
    // so that its errors are reported too; checks that read the broken side record nothing.
    auto stand_in = [&](std::uint8_t side) {
      problems_.ignore_reading(side);
      if (side == kJurisdictionSide) {
        jur = spec::Jurisdiction{};
        jur.format = "gridroute.jurisdiction/1";
        jur.timezone = "UTC";
      } else {
        rules = spec::Rules{};
        rules.format = "gridroute.rules/1";
      }
    };
    if (jur_broken) stand_in(kJurisdictionSide);
    else if (units_broken) problems_.ignore_reading(kUnitsSide);
    if (rules_broken) stand_in(kRulesSide);
    {
      const std::size_t shape_errors = problems_.list.size();
      // CSV files named by jurisdiction.json.
      read_csv_files(jur);
      // The cell polygons (SPEC §7): read here, parsed by the compiler, which knows the cells.
      if (jur.cells_geojson && load_side(jur.cells_geojson->file, FileId::cells_geojson)) {
        if (stream_) {
          jur.cells_read = [this](char* buf, std::size_t size) { return read_cells(buf, size); };
          jur.cells_whole = [this] { return read_cells_whole(); };
        } else {
          jur.cells_text = t.bodies[4];
        }
        jur.cells_label = t.names[4];
      }
      if (out_.size() > syntax_errors) return false;
      // Errors in the CSV files (or in naming them) break what depends on them: a units file's, what reads
      // the unit table (as a broken unit does); a handlers file's, references to handlers by id (a missing
      // row may be the one meant). Any other breaks the jurisdiction side in turn.
      if (problems_.list.size() > shape_errors) {
        if ((problems_.broken() & (kJurisdictionSide | kRulesSide)) != 0) return false;
        bool units = false, handlers = false, other = false;
        for (std::size_t i = shape_errors; i < problems_.list.size(); ++i) {
          const Problem& p = problems_.list[i];
          if (p.file == FileId::units_csv || (p.file == FileId::jurisdiction && p.pointer == "/units_csv")) units = true;
          else if (p.file == FileId::handlers_csv || (p.file == FileId::jurisdiction && p.pointer == "/handlers_csv"))
            handlers = true;
          else other = true;
        }
        if (other) {
          stand_in(kJurisdictionSide);
        } else {
          if (units) problems_.ignore_reading(kUnitsSide);
          if (handlers) jur.unknown_handlers = true;
        }
      }
    }
    // A negative snap_meters is an error of its own: it breaks nothing else (the cells' file is still
    // checked). snap_meters without cells_geojson is allowed (SPEC §7 makes it optional, default 0) and
    // has no effect.
    if (jur.snap_meters && *jur.snap_meters < 0)
      problems_.json(FileId::jurisdiction, "/snap_meters", "snap_meters must be a number >= 0 (metres)");
    const std::size_t errors_before_checks = problems_.list.size();
    {
      // Hardening: time zone names are checked before anything opens a file by them.
      auto tz_error = [](const std::string& tz) {
        return detail::cat("time zone \"", detail::utf8_prefix(tz, 80),
                           "\" must be an IANA name such as Asia/Shanghai (letters, digits, '/', '_', '+', '-')");
      };
      if (!iana_zone_name(jur.timezone)) problems_.json(FileId::jurisdiction, "/timezone", tz_error(jur.timezone));
      // A broken calendar is not checked further (nor is its time zone opened: see Compiler::calendar).
      for (std::size_t i = 0; i < rules.calendars.size(); ++i)
        if (rules.calendars[i].timezone && !iana_zone_name(*rules.calendars[i].timezone) &&
            !(i < rules.broken_calendars.size() && rules.broken_calendars[i]))
          problems_.json(FileId::rules, detail::cat("/calendars/", i, "/timezone"), tz_error(*rules.calendars[i].timezone));
      // Hardening: the counts with the CSV rows appended are checked here, before compiling (the
      // compiler reports them too, but goes on to later stages with half-built indexes).
      if (jur.unit_rows.size() > opt_.max_units)
        problems_.json(FileId::jurisdiction, "/units",
                       detail::cat("more than ", opt_.max_units, " units, with those of ",
                                   jur.units_csv.value_or("units_csv"), " (LoadOptions::max_units)"));
      if (jur.handler_rows.size() > opt_.max_handlers)
        problems_.json(FileId::jurisdiction, "/handlers",
                       detail::cat("more than ", opt_.max_handlers, " handlers, with those of ",
                                   jur.handlers_csv.value_or("handlers_csv"), " (LoadOptions::max_handlers)"));
    }
    return out_.size() == syntax_errors && problems_.list.size() == errors_before_checks;
  }

  std::vector<Diagnostic> finish() {
    // Hardening: every file read must still be the file that was read.
    if (out_.empty() && problems_.empty()) check_unchanged();
    // Turn problems into diagnostics with positions. Hardening: the positions of a file's pointers are
    // found in one pass over it (one `locate` per problem would cost problems x file size).
    std::vector<detail::TextPos> positions(problems_.list.size());
    for (FileId f : {FileId::jurisdiction, FileId::rules}) {
      std::string_view body = t.bodies[static_cast<std::size_t>(f)];
      if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
      std::vector<std::size_t> which;
      std::vector<std::string> pointers;
      for (std::size_t i = 0; i < problems_.list.size(); ++i)
        if (problems_.list[i].file == f) {
          which.push_back(i);
          pointers.push_back(problems_.list[i].pointer);
        }
      if (which.empty()) continue;
      std::vector<std::size_t> at;
      if (which.size() <= 4) {
        for (const auto& p : pointers) at.push_back(detail::locate(body, p));
      } else {
        at = detail::locate_many(body, pointers);
      }
      auto pos = detail::positions_of(body, at);
      for (std::size_t k = 0; k < which.size(); ++k) positions[which[k]] = pos[k];
    }
    for (Diagnostic& d : problems_.diagnostics) out_.push_back(std::move(d));
    // Errors that may only follow from another (a unit left without children by a mistyped parent) come
    // after all the others, so that the first error reported is a cause.
    std::vector<std::uint8_t> followup(out_.size(), 0);
    for (std::size_t i = 0; i < problems_.list.size(); ++i) {
      const auto& p = problems_.list[i];
      auto f = static_cast<std::size_t>(p.file);
      Diagnostic d;
      d.file = t.names[f];
      if (p.file == FileId::jurisdiction || p.file == FileId::rules) {
        d.line = positions[i].line;
        d.column = positions[i].column;
        d.pointer = p.pointer;
      } else {
        d.line = static_cast<int>(p.line);
      }
      d.message = p.message;
      out_.push_back(std::move(d));
      followup.push_back(p.followup ? 1 : 0);
    }
    // Hardening: a strict weak order (files in order of first appearance, then line, column); the old
    // comparator called diagnostics of different files equivalent, which is not transitive.
    {
      std::vector<std::string> order;
      for (const auto& d : out_)
        if (std::find(order.begin(), order.end(), d.file) == order.end()) order.push_back(d.file);
      auto rank = [&](const std::string& f) { return std::find(order.begin(), order.end(), f) - order.begin(); };
      std::vector<std::size_t> idx(out_.size());
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
      std::stable_sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) {
        const Diagnostic &a = out_[x], &b = out_[y];
        const bool fa = x < followup.size() && followup[x], fb = y < followup.size() && followup[y];
        if (fa != fb) return fb;
        auto ra = rank(a.file), rb = rank(b.file);
        if (ra != rb) return ra < rb;
        return a.line < b.line || (a.line == b.line && a.column < b.column);
      });
      std::vector<Diagnostic> sorted;
      sorted.reserve(out_.size());
      for (std::size_t i : idx) sorted.push_back(std::move(out_[i]));
      out_ = std::move(sorted);
    }
    // The readers of the files and the checks after them each stop at max_errors; together they may
    // have found more: the list is cut to the limit, in its order (the follow-ups last go first).
    if (opt_.max_errors > 0 && out_.size() > opt_.max_errors) out_.resize(opt_.max_errors);
    return std::move(out_);
  }

  // Finds a CSV file named in jurisdiction.json: from the directory, or from in-memory sources.
  bool load_side(const std::string& name, FileId kind) {
    auto k = static_cast<std::size_t>(kind);
    const char* field = kind == FileId::units_csv      ? "/units_csv"
                        : kind == FileId::handlers_csv ? "/handlers_csv"
                                                       : "/cells_geojson";
    if (name.empty() || name.find('\0') != std::string::npos) {
      problems_.json(FileId::jurisdiction, field, "must name a file");
      return false;
    }
    // Hardening: the CSV files lie beside jurisdiction.json (SPEC 2); a path that leaves the bundle
    // directory ("../x", "/etc/passwd") is refused, so a bundle cannot make the loader read, and echo
    // in its messages, files outside it.
    if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name == "." || name == "..") {
      problems_.json(FileId::jurisdiction, field,
                     detail::cat("must be the name of a file beside jurisdiction.json, without a directory, got \"",
                                 detail::utf8_prefix(name, 80), "\""));
      return false;
    }
    if (!dir_.empty()) {
      std::filesystem::path p = std::filesystem::path(dir_) / name;
      t.names[k] = p.string();
      if (kind == FileId::cells_geojson) {
        auto s = std::make_unique<CellsStream>();
        s->fd = open_checked(t.names[k], t.names[k], field, s->st);
        if (s->fd < 0) return false;
        stream_ = std::move(s);
        return true;
      }
      t.present[k] = read_file(t.names[k], t.names[k], t.bodies[k], field);
      return t.present[k];
    }
    for (auto& [fname, body] : *files_) {
      if (fname == name) {
        t.names[k] = detail::cat(label_, "/", name);
        // Hardening: in-memory sources obey the same size limit as files.
        if (body.size() > opt_.max_file_bytes) {
          fatal(t.names[k], too_large(body.size()));
          return false;
        }
        t.bodies[k] = body;
        t.present[k] = true;
        return true;
      }
    }
    problems_.json(FileId::jurisdiction, field, detail::cat("file \"", name, "\" was not provided"));
    return false;
  }

  // Hardening: a list longer than its limit is refused before it is read into the file model.
  bool count_ok(const json::value& v, FileId f, const char* key, std::size_t limit, const char* what,
                const char* option) {
    if (!v.is_object()) return true;
    const json::value* list = v.get_object().if_contains(key);
    if (!list || !list->is_array() || list->get_array().size() <= limit) return true;
    problems_.json(f, detail::cat("/", key), detail::cat("more than ", limit, " ", what, " (", option, ")"));
    return false;
  }

  std::string dir_;
  std::string label_;
  const std::vector<std::pair<std::string, std::string>>* files_ = nullptr;
  const LoadOptions opt_;  // clamped copy (see clamp)
  Problems problems_;
  std::vector<Diagnostic> out_;
  std::vector<FileStamp> stamps_;
};

BundleReader::BundleReader(const LoadOptions& options) : impl_(std::make_unique<Impl>(options)) {}
BundleReader::~BundleReader() = default;
Problems& BundleReader::problems() { return impl_->problems_; }
const std::string& BundleReader::file_name(FileId f) const {
  static const std::string kNone;
  const auto k = static_cast<std::size_t>(f);
  return impl_->t.present[k] || (f == FileId::cells_geojson && impl_->stream_) ? impl_->t.names[k] : kNone;
}
std::string_view BundleReader::file_text(FileId f) const {
  const auto k = static_cast<std::size_t>(f);
  return impl_->t.present[k] ? std::string_view(impl_->t.bodies[k]) : std::string_view();
}
const LoadOptions& BundleReader::options() const { return impl_->opt_; }
bool BundleReader::parse(spec::Jurisdiction& j, spec::Rules& r) { return impl_->parse(j, r); }
std::vector<Diagnostic> BundleReader::finish() { return impl_->finish(); }

std::string BundleReader::sha256() const {
  const Texts& t = impl_->t;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx) throw std::bad_alloc();
  // Each file as: its kind (one byte), its length (8 bytes, little-endian), its bytes. Absent files add
  // nothing, so a bundle without CSV files digests its two JSON files alone. Cell polygons read by chunks
  // (the last file) were digested as they were read, after the files before them; the files before them
  // were digested once (head_digest), before a CSV text was freed.
  constexpr int kCells = static_cast<int>(FileId::cells_geojson);
  const auto* stream = impl_->stream_.get();
  if (stream && stream->complete && !t.present[kCells]) {
    if (EVP_MD_CTX_copy_ex(ctx.get(), stream->sha.get()) != 1) throw std::bad_alloc();
  } else {
    if (EVP_MD_CTX_copy_ex(ctx.get(), impl_->head_digest()) != 1) throw std::bad_alloc();
    if (t.present[kCells]) digest_file(ctx.get(), kCells, t.bodies[kCells].size(), t.bodies[kCells]);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) append_hex(hex, md[i]);
  return hex;
}

bool BundleReader::read_directory(const std::string& dir) {
  Impl& l = *impl_;
  l.dir_ = dir;
  Texts& t = l.t;
  // Hardening: say why a bundle path cannot be used (a symlink loop is not "no such directory").
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    int e = errno;
    // A BUNDLE is a directory or a compiled file: a misspelt one of either is named as both.
    l.fatal(dir, e == ENOENT ? std::string("no such directory or compiled bundle file") : cat("cannot open: ", errno_text(e)));
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    l.fatal(dir, "is neither a directory nor a compiled bundle file (a bundle is a directory, or a file written by "
                 "'gridroute compile')");
    return false;
  }
  t.names[0] = (std::filesystem::path(dir) / "jurisdiction.json").string();
  t.names[1] = (std::filesystem::path(dir) / "rules.json").string();
  t.present[0] = l.read_file(t.names[0], t.names[0], t.bodies[0]);
  t.present[1] = l.read_file(t.names[1], t.names[1], t.bodies[1]);
  return t.present[0] || t.present[1];  // with one of them, the other's errors are still reported (parse)
}

bool BundleReader::read_sources(const BundleSources& sources) {
  Impl& l = *impl_;
  l.label_ = sources.label;
  l.files_ = &sources.files;
  Texts& t = l.t;
  t.names[0] = cat(sources.label, "/jurisdiction.json");
  t.names[1] = cat(sources.label, "/rules.json");
  // Hardening: in-memory sources obey the same size limit as files.
  bool ok = true;
  for (int k = 0; k < 2; ++k) {
    const std::string& body = k == 0 ? sources.jurisdiction_json : sources.rules_json;
    if (body.size() > l.opt_.max_file_bytes) {
      l.fatal(t.names[k], l.too_large(body.size()));
      ok = false;
    }
  }
  if (!ok) return false;
  t.bodies[0] = sources.jurisdiction_json;
  t.bodies[1] = sources.rules_json;
  t.present[0] = t.present[1] = true;
  return true;
}

}  // namespace detail
}  // namespace gridroute

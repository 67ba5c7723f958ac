// Internal: the container of a compiled bundle file (`gridroute compile`) — a header, a table of typed
// sections, and the sections themselves, each 64-byte aligned so that a reader can use them in place from
// a read-only memory map. Several processes that open one file share its pages through the page cache.
//
//   header   magic "gridroute-bundle", format version, byte order, file size, XXH3-64 checksum of
//            everything after the header, section count, the bundle digest, the producing version
//   table    per section: tag (four letters), element size, offset, element count
//   sections plain arrays of fixed-size values
//
// Nothing in a file is trusted: `MappedFile::open` refuses a short, foreign, corrupted or other-version
// file with a message that names the file, and `section<T>` checks that a section lies inside the file,
// is aligned, and holds values of T's size. What the values mean (indices into other sections) is checked
// by the reader of the index (store/index_file.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"

namespace gridroute::detail::store {

// The format version this build writes and reads. A file of another version is refused by name; the
// version changes whenever a section's layout or meaning changes.
inline constexpr std::uint32_t kFormatVersion = 5;
inline constexpr char kMagic[16] = {'g', 'r', 'i', 'd', 'r', 'o', 'u', 't', 'e', '-', 'b', 'u', 'n', 'd', 'l', 'e'};
inline constexpr std::uint32_t kByteOrder = 0x01020304;
inline constexpr std::size_t kAlign = 64;

constexpr std::uint32_t tag(const char (&s)[5]) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}
std::string tag_name(std::uint32_t t);

struct FileHeader {
  char magic[16];
  std::uint32_t format_version;
  std::uint32_t byte_order;
  std::uint64_t file_size;
  std::uint64_t checksum;  // XXH3-64 of bytes [sizeof(FileHeader), file_size)
  std::uint32_t section_count;
  std::uint32_t reserved;
  char digest[32];    // the bundle digest (SPEC §6.6), NUL-padded
  char producer[32];  // "gridroute X.Y.Z", NUL-padded
  char pad[16];
};
static_assert(sizeof(FileHeader) == 128);

struct SectionEntry {
  std::uint32_t tag;
  std::uint32_t elem_size;
  std::uint64_t offset;
  std::uint64_t count;
};
static_assert(sizeof(SectionEntry) == 24);

// Collects sections and writes the file. The data given to `add` must stay alive until `write`.
class FileWriter {
 public:
  void add(std::uint32_t tag, const void* data, std::size_t elem_size, std::size_t count);
  template <class T>
  void add(std::uint32_t t, std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    add(t, values.data(), sizeof(T), values.size());
  }
  // Writes to `path` through a temporary file in the same directory and a rename, so that a process
  // opening `path` meanwhile sees the old file or the new one, never half of one.
  absl::Status write(const std::string& path, std::string_view digest, std::string_view producer) const;
  // The file's bytes (for tests and the fuzz seeds).
  std::string bytes(std::string_view digest, std::string_view producer) const;

 private:
  struct Pending {
    std::uint32_t tag;
    std::uint32_t elem_size;
    const void* data;
    std::size_t count;
  };
  std::vector<Pending> sections_;
};

// A compiled bundle file opened for reading: memory-mapped read-only (or, for tests and fuzzing, a copy
// of some bytes). Sections are views into it; keep the MappedFile alive while they are used.
class MappedFile {
 public:
  // Refuses (with a message naming `path`) a file that is not a compiled bundle, of another format
  // version, shorter or longer than its header says, or whose checksum does not match. With
  // Checksum::deferred the checksum is left to verify_checksum(), which the caller must call before it
  // trusts what it read (the readers of the sections check every bound themselves, so reading before the
  // checksum is known is safe: it lets a large file's checksum run beside the reading).
  enum class Checksum { verify, deferred };
  static absl::StatusOr<std::shared_ptr<const MappedFile>> open(const std::string& path,
                                                                Checksum checksum = Checksum::verify);
  static absl::StatusOr<std::shared_ptr<const MappedFile>> from_bytes(std::string bytes, std::string label,
                                                                      Checksum checksum = Checksum::verify);
  // The refusal of a file whose checksum does not match its bytes (thread-safe: reads only).
  absl::Status verify_checksum() const;
  // Whether the start of the file at `path` is the magic of a compiled bundle (without opening it fully).
  static bool looks_compiled(const std::string& path);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& label() const { return label_; }
  std::string_view digest() const;
  std::string_view producer() const;
  std::size_t size() const { return size_; }

  // The section `t` as values of T; an error naming the section when it is missing, misaligned, of
  // another element size or outside the file.
  template <class T>
  absl::StatusOr<std::span<const T>> section(std::uint32_t t) const {
    static_assert(std::is_trivially_copyable_v<T>);
    auto raw = find(t, sizeof(T), alignof(T));
    if (!raw.ok()) return raw.status();
    return std::span<const T>(reinterpret_cast<const T*>(raw->first), raw->second);
  }
  bool has(std::uint32_t t) const;
  // The pages of [p, p + n), which must lie in the file, are about to be read: a mapped file maps them in
  // one call rather than one page fault every 4 KiB. Thread-safe.
  void populate(const void* p, std::size_t n) const;

 private:
  MappedFile() = default;
  absl::Status check(Checksum checksum);
  absl::StatusOr<std::pair<const void*, std::size_t>> find(std::uint32_t t, std::size_t elem_size,
                                                           std::size_t align) const;
  std::string label_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  struct Free {
    void operator()(char* p) const noexcept { std::free(p); }
  };
  std::unique_ptr<char, Free> copy_;  // from_bytes: an aligned copy
  struct Region;      // open: the read-only mapping (Boost.Interprocess)
  std::unique_ptr<Region> region_;
};

}  // namespace gridroute::detail::store

#include "store/file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <sys/mman.h>
#include <unistd.h>

#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>
// xxHash (Debian: libxxhash-dev) inlined: the checksum needs no library at link or run time.
#include "base/hash.hpp"
#include "base/memory.hpp"

#include "base/strings.hpp"

namespace gridroute::detail::store {
namespace bip = boost::interprocess;

std::string tag_name(std::uint32_t t) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((t >> (8 * i)) & 0xFF);
    s += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return s;
}

namespace {

std::size_t align_up(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

void put_text(char* dst, std::size_t cap, std::string_view s) {
  std::memset(dst, 0, cap);
  std::memcpy(dst, s.data(), std::min(s.size(), cap));
}

std::string_view get_text(const char* src, std::size_t cap) {
  std::size_t n = 0;
  while (n < cap && src[n] != '\0') ++n;
  return {src, n};
}

}  // namespace

void FileWriter::add(std::uint32_t t, const void* data, std::size_t elem_size, std::size_t count) {
  sections_.push_back({t, static_cast<std::uint32_t>(elem_size), data, count});
}

std::string FileWriter::bytes(std::string_view digest, std::string_view producer) const {
  const std::size_t table = sizeof(FileHeader) + sections_.size() * sizeof(SectionEntry);
  std::vector<SectionEntry> entries;
  std::size_t at = align_up(table);
  for (const auto& s : sections_) {
    entries.push_back({s.tag, s.elem_size, at, s.count});
    at = align_up(at + s.elem_size * s.count);
  }
  std::string out(at, '\0');
  std::memcpy(out.data() + sizeof(FileHeader), entries.data(), entries.size() * sizeof(SectionEntry));
  for (std::size_t i = 0; i < sections_.size(); ++i)
    if (sections_[i].count > 0)
      std::memcpy(out.data() + entries[i].offset, sections_[i].data, sections_[i].elem_size * sections_[i].count);
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.format_version = kFormatVersion;
  h.byte_order = kByteOrder;
  h.file_size = out.size();
  h.section_count = static_cast<std::uint32_t>(sections_.size());
  put_text(h.digest, sizeof(h.digest), digest);
  put_text(h.producer, sizeof(h.producer), producer);
  h.checksum = XXH3_64bits(out.data() + sizeof(FileHeader), out.size() - sizeof(FileHeader));
  std::memcpy(out.data(), &h, sizeof(h));
  return out;
}

absl::Status FileWriter::write(const std::string& path, std::string_view digest, std::string_view producer) const {
  const std::string data = bytes(digest, producer);
  namespace fs = std::filesystem;
  fs::path target(path);
  // The file is written beside the target and renamed over it: never over a directory, a device or a
  // FIFO, which the rename would replace.
  {
    std::error_code ec;
    const fs::file_status st = fs::status(target, ec);
    if (!ec && fs::is_directory(st)) return absl::InvalidArgumentError(cat(path, ": cannot write: is a directory"));
    if (!ec && fs::exists(st) && !fs::is_regular_file(st))
      return absl::InvalidArgumentError(
          cat(path, ": cannot write: not a regular file, and the compiled file would replace it"));
  }
  fs::path tmp = target;
  tmp += cat(".tmp-", ::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return absl::InvalidArgumentError(cat(path, ": cannot write: ", std::strerror(errno)));
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    f.close();
    if (!f) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return absl::InvalidArgumentError(cat(path, ": cannot write: ", std::strerror(errno)));
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return absl::InvalidArgumentError(cat(path, ": cannot write: ", ec.message()));
  }
  return absl::OkStatus();
}

struct MappedFile::Region {
  bip::file_mapping file;
  bip::mapped_region region;
};

MappedFile::~MappedFile() = default;

bool MappedFile::looks_compiled(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char magic[sizeof(kMagic)];
  if (!f.read(magic, sizeof(magic))) return false;
  return std::memcmp(magic, kMagic, sizeof(kMagic)) == 0;
}

absl::StatusOr<std::shared_ptr<const MappedFile>> MappedFile::open(const std::string& path, Checksum checksum) {
  std::shared_ptr<MappedFile> m(new MappedFile());
  m->label_ = path;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return absl::NotFoundError(cat(path, ": cannot open: ", ec.message()));
  if (size < sizeof(FileHeader))
    return absl::InvalidArgumentError(cat(path, ": is not a directory and not a compiled gridroute bundle (", size,
                                                   " bytes, shorter than a header)"));
  try {
    auto r = std::make_unique<Region>();
    r->file = bip::file_mapping(path.c_str(), bip::read_only);
    r->region = bip::mapped_region(r->file, bip::read_only);
#ifdef MADV_HUGEPAGE
    if (index_in_huge_pages()) {
      // Routing reads the index at random: ask that the page cache read the file in 2 MiB folios, which the
      // kernel maps with huge pages, in every process that maps the file (where the file system keeps large
      // folios: ext4 from Linux 6.16, XFS). The open that first reads a file into the page cache decides
      // its folios, and a read-ahead by MADV_WILLNEED would decide them small: the checksum's populate
      // reads the file through the advised mapping instead.
      // docs/performance.md, "A compiled file in the page cache's huge pages".
      ::madvise(const_cast<void*>(r->region.get_address()), r->region.get_size(), MADV_HUGEPAGE);
    } else
#endif
    {
      // The whole file is read by the checksum: ask for it at once rather than a fault per page.
      r->region.advise(bip::mapped_region::advice_willneed);
    }
    m->data_ = static_cast<const char*>(r->region.get_address());
    m->size_ = r->region.get_size();
    m->region_ = std::move(r);
  } catch (const bip::interprocess_exception& e) {
    return absl::InvalidArgumentError(cat(path, ": cannot map: ", e.what()));
  }
  if (auto st = m->check(checksum); !st.ok()) return st;
  return std::shared_ptr<const MappedFile>(std::move(m));
}

absl::StatusOr<std::shared_ptr<const MappedFile>> MappedFile::from_bytes(std::string bytes, std::string label,
                                                                         Checksum checksum) {
  std::shared_ptr<MappedFile> m(new MappedFile());
  m->label_ = std::move(label);
  // Sections are 64-byte aligned in the file: the copy is too, as a mapping would be.
  const std::size_t cap = (bytes.size() + kAlign) / kAlign * kAlign;
  m->copy_.reset(static_cast<char*>(std::aligned_alloc(kAlign, cap)));
  if (!m->copy_) return absl::ResourceExhaustedError(cat(m->label_, ": out of memory"));
  if (!bytes.empty()) std::memcpy(m->copy_.get(), bytes.data(), bytes.size());
  // The alignment's tail zeroed, as a mapping's last page is past the file's end: nothing read from the
  // copy depends on what the allocator left there.
  std::memset(m->copy_.get() + bytes.size(), 0, cap - bytes.size());
  m->data_ = m->copy_.get();
  m->size_ = bytes.size();
  if (auto st = m->check(checksum); !st.ok()) return st;
  return std::shared_ptr<const MappedFile>(std::move(m));
}

void MappedFile::populate(const void* p, std::size_t n) const {
#ifdef MADV_POPULATE_READ  // Linux 5.14; refused harmlessly by an older kernel
  if (!region_ || n == 0) return;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const std::uintptr_t first = reinterpret_cast<std::uintptr_t>(p) / page * page;
  ::madvise(reinterpret_cast<void*>(first), reinterpret_cast<std::uintptr_t>(p) + n - first, MADV_POPULATE_READ);
#else
  (void)p;
  (void)n;
#endif
}

absl::Status MappedFile::verify_checksum() const {
  FileHeader h;
  std::memcpy(&h, data_, sizeof(h));
  // The checksum reads every page: map them all in one call rather than take a fault every 4 KiB.
  populate(data_, size_);
  const std::uint64_t sum = XXH3_64bits(data_ + sizeof(FileHeader), size_ - sizeof(FileHeader));
  if (sum != h.checksum)
    return absl::InvalidArgumentError(
        cat(label_, ": checksum mismatch: the file is corrupted; compile the bundle again"));
  return absl::OkStatus();
}

absl::Status MappedFile::check(Checksum checksum) {
  auto refuse = [this](auto&&... what) {
    return absl::InvalidArgumentError(cat(label_, ": ", what...));
  };
  if (size_ < sizeof(FileHeader) || std::memcmp(data_, kMagic, sizeof(kMagic)) != 0)
    return refuse("is not a directory and not a compiled gridroute bundle (no \"gridroute-bundle\" header); give a bundle directory "
                  "or a file written by `gridroute compile`");
  FileHeader h;
  std::memcpy(&h, data_, sizeof(h));
  if (h.byte_order != kByteOrder)
    return refuse("compiled on a machine of the other byte order; compile the bundle again on this one");
  if (h.format_version != kFormatVersion)
    return refuse("compiled bundle format version ", h.format_version, " (by ", get_text(h.producer, sizeof(h.producer)),
                  "); this build reads format version ", kFormatVersion,
                  " — compile the bundle again with this build's `gridroute compile`");
  if (h.file_size != size_)
    return refuse(h.file_size > size_ ? "truncated" : "has extra bytes", " (the header says ", h.file_size,
                  " bytes, the file has ", size_, ")");
  if (checksum == Checksum::verify)
    if (auto st = verify_checksum(); !st.ok()) return st;
  if (h.section_count > (size_ - sizeof(FileHeader)) / sizeof(SectionEntry)) {
    if (checksum == Checksum::deferred)
      if (auto st = verify_checksum(); !st.ok()) return st;
    return refuse("section table outside the file (", h.section_count, " sections)");
  }
  const auto* entries = reinterpret_cast<const SectionEntry*>(data_ + sizeof(FileHeader));
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    SectionEntry e;
    std::memcpy(&e, entries + i, sizeof(e));
    if (e.elem_size == 0 || e.offset % kAlign != 0 || e.offset > size_ ||
        e.count > (size_ - e.offset) / e.elem_size) {
      // A corrupted file is named as such, whether or not its checksum was left for later.
      if (checksum == Checksum::deferred)
        if (auto st = verify_checksum(); !st.ok()) return st;
      return refuse("section ", tag_name(e.tag), " lies outside the file");
    }
  }
  return absl::OkStatus();
}

std::string_view MappedFile::digest() const {
  return get_text(reinterpret_cast<const FileHeader*>(data_)->digest, sizeof(FileHeader::digest));
}

std::string_view MappedFile::producer() const {
  return get_text(reinterpret_cast<const FileHeader*>(data_)->producer, sizeof(FileHeader::producer));
}

bool MappedFile::has(std::uint32_t t) const {
  const auto* h = reinterpret_cast<const FileHeader*>(data_);
  const auto* entries = reinterpret_cast<const SectionEntry*>(data_ + sizeof(FileHeader));
  for (std::uint32_t i = 0; i < h->section_count; ++i)
    if (entries[i].tag == t) return true;
  return false;
}

absl::StatusOr<std::pair<const void*, std::size_t>> MappedFile::find(std::uint32_t t, std::size_t elem_size,
                                                                     std::size_t align) const {
  const auto* h = reinterpret_cast<const FileHeader*>(data_);
  const auto* entries = reinterpret_cast<const SectionEntry*>(data_ + sizeof(FileHeader));
  for (std::uint32_t i = 0; i < h->section_count; ++i) {
    const SectionEntry& e = entries[i];
    if (e.tag != t) continue;
    if (e.elem_size != elem_size)
      return absl::InvalidArgumentError(cat(label_, ": section ", tag_name(t), " holds ", e.elem_size,
                                                     "-byte values, expected ", elem_size));
    const void* p = data_ + e.offset;
    if (reinterpret_cast<std::uintptr_t>(p) % align != 0)
      return absl::InvalidArgumentError(cat(label_, ": section ", tag_name(t), " is misaligned"));
    return std::pair<const void*, std::size_t>(p, static_cast<std::size_t>(e.count));
  }
  return absl::InvalidArgumentError(cat(label_, ": section ", tag_name(t), " is missing"));
}

}  // namespace gridroute::detail::store

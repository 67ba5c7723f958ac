// The C ABI's case books (since 1.2): a scheduler's open cases, kept between sweeps (gridroute::CaseBook).
#include "boundary.hpp"
#include "gridroute/case_book.hpp"

using namespace gridroute::capi;

namespace {

// The C type gridroute_case_book stays incomplete at the boundary (see boundary.hpp).
struct BookImpl {
  explicit BookImpl(std::shared_ptr<const gridroute::Snapshot> s) : book(std::move(s)) {}
  gridroute::CaseBook book;
};

BookImpl& check_book(gridroute_case_book* b) {
  require(b, "book");
  return *reinterpret_cast<BookImpl*>(b);
}
const BookImpl& check_book(const gridroute_case_book* b) {
  require(b, "book");
  return *reinterpret_cast<const BookImpl*>(b);
}

void check_slot(const BookImpl& b, std::size_t slot) {
  if (slot >= b.book.size())
    fail(GRIDROUTE_E_INVALID_ARGUMENT,
         "slot " + std::to_string(slot) + " is not in the book (it holds " + std::to_string(b.book.size()) + " cases)");
}

}  // namespace

extern "C" {

int gridroute_case_book_new(gridroute_case_book** out, const gridroute_engine* engine, gridroute_error** err) {
  return guard(err, [&] {
    require(out, "out");
    *out = nullptr;
    const EngineImpl& e = check_engine(engine);
    *out = reinterpret_cast<gridroute_case_book*>(new BookImpl(e.engine.snapshot()));
    return GRIDROUTE_OK;
  });
}

void gridroute_case_book_free(gridroute_case_book* book) {
  guard_void([&] { delete reinterpret_cast<BookImpl*>(book); });
}

size_t gridroute_case_book_size(const gridroute_case_book* book) {
  return book ? reinterpret_cast<const BookImpl*>(book)->book.size() : 0;
}

int gridroute_case_book_add_jsonl(gridroute_case_book* book, const char* text, size_t len, size_t* first,
                                  gridroute_error** err) {
  return guard(err, [&] {
    BookImpl& b = check_book(book);
    if (first) *first = b.book.size();  // where the first would go, also when the call fails
    std::string_view in = in_str(text, len, "text");
    const std::size_t at = b.book.add_lines(in);
    if (first) *first = at;
    return GRIDROUTE_OK;
  });
}

int gridroute_case_book_replace_json(gridroute_case_book* book, size_t slot, const char* line, size_t len,
                                     gridroute_error** err) {
  return guard(err, [&] {
    BookImpl& b = check_book(book);
    std::string_view text = in_str(line, len, "line", true);
    check_slot(b, slot);
    b.book.replace_line(slot, text);
    return GRIDROUTE_OK;
  });
}

int gridroute_case_book_remove(gridroute_case_book* book, size_t slot, gridroute_error** err) {
  return guard(err, [&] {
    BookImpl& b = check_book(book);
    check_slot(b, slot);
    b.book.remove(slot);
    return GRIDROUTE_OK;
  });
}

int gridroute_case_book_sweep_jsonl(gridroute_buf* out, const gridroute_case_book* book, int64_t now,
                                    gridroute_error** err) {
  return guard(err, [&] {
    check_buf(out);
    const BookImpl& b = check_book(book);
    std::string text;
    b.book.sweep_lines(in_now(now), text);
    buf_set(out, text);
    return GRIDROUTE_OK;
  });
}

}  // extern "C"

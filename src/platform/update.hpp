// What a worker writes back for one evaluated case, decided from the engine's answer line alone: the
// fields that change in the case document (when the answer moves the case to a new level or owner) and
// the case's next check. Pure: no database, no engine.
//
//   auto u = gridroute::platform::plan_update(R"({"id": "C02", "action": "escalate", "level": 1, ...})",
//                                             "2026-11-23T10:00:00+08:00");
//   // u.action == "escalate"; u.patch == {"level": 1, "level_started_at": "2026-11-23T10:00:00+08:00", ...}
//   // u.next_check == the earlier of the answer's respond_by and resolve_by
//
// The worker applies a patch in SQL, `(doc - kDroppedFields) || patch` for a move and `doc || patch`
// otherwise, so every other field of the stored document stays exactly as the platform wrote it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace gridroute::platform {

// Fields removed from the document when the case starts a new level (they belonged to the old one):
// the resident's rating, the returns approved at that level, and an extension granted at that level
// (the answer's deadlines are the new level's, without it).
inline constexpr std::array<std::string_view, 3> kDroppedFields = {"rating", "returned", "extended_to"};

struct CaseUpdate {
  std::string action;                     // the answer's `action` ("hold", "escalate", ...)
  std::optional<std::string> patch;       // a JSON object of the fields to set; nullopt: the document stays
  bool moved = false;                     // a new level or owner: kDroppedFields go before the patch
  std::optional<std::string> next_check;  // RFC 3339; nullopt: park the case (SQL NULL)
  std::optional<std::string> bundle;      // the answer's `bundle` (SPEC §6.6), when it carries one
  std::string warning;                    // non-empty when the answer could not be applied as it says
};

// `answer` is the engine's answer line for a case evaluated at `now` (RFC 3339, written into
// `level_started_at` when the case moves). Never throws.
//  - escalate, reopen, redispatch: patch `level` (the answer's), `level_started_at` (now), `responded`
//    (false), `reports` (0), `status` ("open"), `handler` and, when the answer has one, `rule` (pinned,
//    SPEC §6.1); kDroppedFields are removed; next check: the earlier of respond_by and resolve_by;
//  - hold, suspended: next check: the answer's next_check (null parks the case; a hold without one is
//    warned about);
//  - none, overdue, dispute, rejected, and any action this code does not know: parked;
//  - any of them, for a case given by its location (SPEC §7): `cell`, the cell the answer names, is set,
//    so that the case is looked up by that cell from then on (docs/locations.md).
// A next check that is not after `now` would be due again at once, so it parks the case, with a warning;
// so does an answer that cannot be read (its action is then "rejected").
CaseUpdate plan_update(std::string_view answer, std::string_view now);

}  // namespace gridroute::platform

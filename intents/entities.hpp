// Entity extractors that need no model: case ids, mainland mobile numbers, resident ID numbers,
// and the language a message is written in.
//
// All take raw user text: full-width digits and letters, the ideographic space and dash
// look-alikes are folded internally, so the extractors can run before (or without) the
// classifier's normaliser. Pure functions, thread-safe, no allocation beyond the result.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace talentbot::intents {

// The first case id (GC + yyyymmdd + daily sequence) in canonical form "GC20261124-0007".
// Tolerates lower case, spaces or a dash (any width) between the parts, and a missing dash
// ("GC202611240007", "gc 20261124 0007"). A bare "20261124-0007" without the GC prefix is also
// accepted, because talents copy the number from the receipt without its letters; the dash keeps
// that from matching other digit runs. The date part must be a real calendar date.
std::optional<std::string> extract_case_id(std::string_view text);

// The first mainland mobile number (11 digits, 1[3-9]…) as its 11 digits, e.g. "13800138000".
// Tolerates single spaces or dashes between digits (138 0013 8000, 138-0013-8000) and a +86,
// 86 or 0086 country prefix. Never reads a number out of a longer digit run (an ID number, a
// case id, a bank card).
std::optional<std::string> extract_mobile(std::string_view text);

// GB 11643-1999 citizen identity number: 17 digits and a check character (0-9 or X, either case),
// a known province code (or 9, the 2023 foreigners' permanent residence ID card, which shares the
// layout and checksum), a real date of birth from 1900 on, and the ISO 7064 MOD 11-2 checksum.
bool is_valid_resident_id(std::string_view id18);

// The first valid resident ID number in the text, upper-case X, e.g. "41010519900307123X".
// Single spaces or dashes between digit groups (410105 19900307 123X) are tolerated. A run that
// fails the checksum is not returned: it is more likely a typo than someone else's number, and the
// dialogue asks again.
std::optional<std::string> extract_resident_id(std::string_view text);

// For logs: first 4 and last 4 characters kept, "4101**********123X". Strings of 8 characters or
// fewer are masked completely, because keeping 8 of them would reveal everything.
std::string mask_resident_id(std::string_view id);

// For logs: the digits with the middle masked, "138****5678" (first 3 and last 4 kept); separators
// and a country prefix are dropped. Fewer than 7 digits are masked completely.
std::string mask_mobile(std::string_view mobile);

enum class Language { zh, en };

// By the share of Han characters against Latin letters. Mixed text is zh as soon as it holds a
// meaningful amount of Han (two characters, or any Han with barely any Latin), because replies in
// Chinese are what the center's staff can follow up on; text with neither (digits, emoji) is zh.
Language detect_language(std::string_view text);

}  // namespace talentbot::intents

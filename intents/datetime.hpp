// Dates and times in Chinese and English user text, resolved against a reference "now" in the
// user's UTC offset (明天下午三点, 下周二上午10点, 11月28号14:00, tomorrow 3pm, Nov 28 at 2:30 pm).
//
// Resolution rules (the labelled data in tests/nlu follows exactly these):
// - 明天 +1 day, 后天 +2, 大后天 +3, N天后 / in N days +N; 今晚/明早/tonight also set the half-day.
// - A bare weekday (周五, 星期五, 礼拜五, Friday, on Fri) is the nearest such day strictly after today.
//   这周五/本周五/this Friday is that day of the current Monday-based week, or of next week if it
//   has already passed (today stays today). 下周二/next Tuesday is the Tuesday of the next
//   Monday-based week; 下下周 the week after.
// - 11月28号, 11/28, 11-28, November 28th, 28 Nov: a month/day before today means next year;
//   28号 / the 28th is this month's, or next month's if already past. Explicit years are kept.
// - Half-day markers: 凌晨; 上午/早上/早 (AM); 中午 (11 stays, 12 = 12:00, 1 = 13:00); 下午/午后,
//   晚上/傍晚/晚, pm (PM). Without a marker an hour 1-6 is afternoon, 7-11 morning, 12 noon.
// - 半 = :30, 一刻 = :15, 三刻 = :45. A time without a day is today when later than now, else
//   tomorrow. A half-day marker without an hour (明天下午) gives the day only. 晚上12点 and 24点
//   are midnight at the end of the day; noon/midnight in English are 12:00/00:00.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace talentbot::intents {

// "Now" together with the user's UTC offset: calendar words mean the user's calendar.
struct ReferenceTime {
  std::chrono::sys_seconds instant;
  std::chrono::minutes utc_offset{0};
};

// 2026-11-25T10:00:00+08:00, 2026-11-25T02:00:00Z, seconds and fractional seconds optional,
// "+0800" and a space instead of "T" accepted. Without an offset the time is taken as UTC.
// Rejects out-of-range fields (month 13, Feb 30, hour 24, offset beyond ±18:00).
std::optional<ReferenceTime> parse_iso8601(std::string_view text);

struct DateTimeMention {
  int year = 0;
  int month = 0;
  int day = 0;
  std::optional<int> hour;    // empty when only the day was said ("周五", "明天下午")
  std::optional<int> minute;  // set whenever hour is
  std::size_t begin = 0;      // byte range of the mention in the input text
  std::size_t end = 0;

  friend bool operator==(const DateTimeMention&, const DateTimeMention&) = default;
};

// The date/time the talent means, with a day and a time said together merged into one mention
// ("明天，下午三点", "Nov 28 at 2:30 pm", "Friday 27 November" — the date wins over the weekday).
// Normally the first mention. When the text changes or refuses a day and names another
// (改到/换成/不行/来不了, reschedule/move/instead/can't), the new one: the mention after 到/改成/to,
// else the one not after "instead of", else the second; a new time alone keeps the old day
// ("把明天上午的号改到下午4点" → tomorrow 16:00). Case ids, phone and ID numbers, counts
// ("3个材料"), ordinals ("第三条") and "a little" (一点) are never read as dates or times.
std::optional<DateTimeMention> extract_datetime(std::string_view text, const ReferenceTime& now);

// 2026-11-26T15:00:00+08:00 ("+00:00" for UTC); a day-only mention formats as its midnight.
std::string format_datetime(const DateTimeMention& mention, std::chrono::minutes offset);

// 2026-11-27
std::string format_date(const DateTimeMention& mention);

}  // namespace talentbot::intents

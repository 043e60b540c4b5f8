#pragma once
// The specialists' agenda of window appointments: sent to each department's people at 08:30 China
// time on every working day that has appointments, and answered on demand ("/agenda", 今日预约).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bot/handoff.hpp"
#include "storage/appointments.hpp"

namespace talentbot::bot {

// The agenda as text (Chinese: the specialists are the city's); talents appear by user id and
// service, never with ID numbers.
std::string agenda_text(std::string const& department, std::chrono::year_month_day day,
                        std::vector<storage::StoredAppointment> const& booked, intents::Knowledge const& kb);

// A department's agenda of `day`, read from Redis. nullopt: Redis is away.
boost::asio::awaitable<std::optional<std::string>> department_agenda(storage::RedisClient& redis,
                                                                     intents::Knowledge const& kb,
                                                                     std::string department,
                                                                     std::chrono::year_month_day day);

// 08:30 China time of the first working day after `unix_seconds` (or that day, if still before).
std::int64_t next_agenda_time(std::int64_t unix_seconds, WorkingCalendar const& calendar);

// "agenda:daily": sends the day's agendas, then schedules the next working day's. Also schedules
// the first one if none is pending (every instance may; the id is the same).
void register_morning_agenda(Scheduler& scheduler, HandoffDesk desk, Clock const& clock,
                             boost::asio::any_io_executor executor);

}  // namespace talentbot::bot

// Appointments in a real redis-server: no over-booking under concurrency (many coroutines over
// several connections), rescheduling by booking again, cancellation, idempotent retries, the
// talent's and the department's lists, and the record.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "storage/appointments.hpp"
#include "storage/keys.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::storage {
namespace {

namespace asio = boost::asio;
using namespace std::chrono;
using test::all;
using BookResult = boost::system::result<Reservation>;

// 2026-11-25 10:00 China time (02:00 UTC), a Wednesday.
std::int64_t const kNow = sys_seconds{sys_days{2026y / 11 / 25} + 2h}.time_since_epoch().count();

// The unix time of a local (UTC+8) yyyymmddThhmm, as bot::Slot computes it.
std::int64_t local(int y, unsigned m, unsigned d, int hh, int mm) {
  return sys_seconds{sys_days{year{y} / m / d} + hours(hh) + minutes(mm) - 8h}.time_since_epoch().count();
}

struct TestSlot {
  std::string id;
  std::int64_t start;
};

// A slot of `department` on a day of November 2026, hh:mm local.
TestSlot slot(unsigned day, int hh, int mm, std::string const& department = "public_security") {
  char buf[32];
  std::snprintf(buf, sizeof buf, ":202611%02uT%02d%02d", day, hh, mm);
  return {department + buf, local(2026, 11, day, hh, mm)};
}

Booking booking(std::string const& user, TestSlot const& s, int capacity = 2,
                std::string const& service = "household_registration", std::int64_t at = kNow) {
  Booking b;
  b.user = user;
  b.service = service;
  b.slot_id = s.id;
  b.start = s.start;
  b.end = s.start + 1800;
  b.capacity = capacity;
  b.at = at;
  return b;
}

class AppointmentsTest : public test::RedisSuite {
 protected:
  BookResult book(Booking b, std::string key = "", std::size_t client = 0) {
    return run(reserve(db(client), std::move(b), std::move(key)));
  }

  int usage(std::string const& slot_id) {
    std::vector<std::string> ids;
    ids.push_back(slot_id);
    return run(slot_usage(db(), std::move(ids))).value().at(0);
  }

  StoredAppointment get(std::string const& id) { return run(get_appointment(db(), id)).value().value(); }

  // `n` talents (new ones for each slot) book the same slot at once, spread over every connection.
  std::vector<BookResult> rush(TestSlot const& s, int n, int capacity) {
    std::vector<std::function<asio::awaitable<BookResult>()>> tasks;
    for (int i = 0; i < n; ++i) {
      auto const user = s.id + "/talent" + std::to_string(i);
      tasks.push_back([this, s, user, capacity, i] { return reserve(db(i), booking(user, s, capacity), user); });
    }
    return run(all(std::move(tasks)));
  }
};

std::size_t count_full(std::vector<BookResult> const& results) {
  return std::count_if(results.begin(), results.end(),
                       [](BookResult const& r) { return !r && r.error() == appointment_errc::full; });
}

std::size_t count_booked(std::vector<BookResult> const& results) {
  return std::count_if(results.begin(), results.end(),
                       [](BookResult const& r) { return r && r->outcome == Reservation::Outcome::booked; });
}

TEST_F(AppointmentsTest, FiftyConcurrentBookingsOfACapacityTwoSlotAdmitExactlyTwo) {
  auto const s = slot(27, 15, 0);
  auto const results = rush(s, 50, 2);
  EXPECT_EQ(count_booked(results), 2u);
  EXPECT_EQ(count_full(results), 48u);
  EXPECT_EQ(usage(s.id), 2);
  EXPECT_EQ(run(agenda_of_department(db(), "public_security", "20261127")).value().size(), 2u);
}

TEST_F(AppointmentsTest, ManyRacesOnSingleClerkSlotsNeverOverbook) {
  for (unsigned day = 26; day <= 27; ++day) {
    for (int hh = 9; hh < 12; ++hh) {
      auto const s = slot(day, hh, 0);
      auto const results = rush(s, 12, 1);
      EXPECT_EQ(count_booked(results), 1u) << s.id;
      EXPECT_EQ(count_full(results), 11u) << s.id;
    }
  }
}

TEST_F(AppointmentsTest, AFullSlotChangesNothing) {
  auto const s = slot(27, 15, 0);
  ASSERT_TRUE(book(booking("a", s, 1)));
  auto const refused = book(booking("b", s, 1), "msg-b");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), appointment_errc::full);
  EXPECT_TRUE(run(appointments_of_user(db(), "b")).value().empty());
  // The refusal is not remembered: the same message succeeds once a place is free.
  auto const bigger = book(booking("b", s, 2), "msg-b");
  ASSERT_TRUE(bigger);
  EXPECT_EQ(bigger->outcome, Reservation::Outcome::booked);
}

TEST_F(AppointmentsTest, BookingAgainForTheServiceMovesTheAppointment) {
  auto const first = slot(27, 15, 0), second = slot(30, 9, 30);
  auto const booked = book(booking("zhang", first));
  ASSERT_TRUE(booked);
  auto const moved = book(booking("zhang", second));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->outcome, Reservation::Outcome::rescheduled);
  EXPECT_EQ(moved->id, booked->id);
  EXPECT_EQ(moved->previous_slot, first.id);
  EXPECT_EQ(usage(first.id), 0);
  EXPECT_EQ(usage(second.id), 1);
  EXPECT_TRUE(run(agenda_of_department(db(), "public_security", "20261127")).value().empty());
  auto const mine = run(appointments_of_user(db(), "zhang")).value();
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].slot_id, second.id);
  EXPECT_EQ(mine[0].start, second.start);
  auto const history = get(booked->id).history;
  ASSERT_EQ(history.size(), 2u);
  auto const entry = nlohmann::json::parse(history[1]);
  EXPECT_EQ(entry["what"], "rescheduled");
  EXPECT_EQ(entry["from"], first.id);
  EXPECT_EQ(entry["slot"], second.id);
}

TEST_F(AppointmentsTest, ReschedulingFreesThePlaceForSomeoneElse) {
  auto const wanted = slot(27, 15, 0);
  ASSERT_TRUE(book(booking("a", wanted, 1)));
  EXPECT_EQ(book(booking("b", wanted, 1)).error(), appointment_errc::full);
  ASSERT_TRUE(book(booking("a", slot(27, 16, 0), 1)));
  auto const now_free = book(booking("b", wanted, 1));
  ASSERT_TRUE(now_free);
  EXPECT_EQ(now_free->outcome, Reservation::Outcome::booked);
}

TEST_F(AppointmentsTest, RescheduleIntoAFullSlotKeepsTheOldAppointment) {
  auto const mine = slot(27, 15, 0), taken = slot(27, 16, 0);
  ASSERT_TRUE(book(booking("other", taken, 1)));
  auto const booked = book(booking("zhang", mine, 1));
  ASSERT_TRUE(booked);
  EXPECT_EQ(book(booking("zhang", taken, 1)).error(), appointment_errc::full);
  EXPECT_EQ(get(booked->id).slot_id, mine.id);
  EXPECT_EQ(usage(mine.id), 1);
  EXPECT_EQ(usage(taken.id), 1);
}

TEST_F(AppointmentsTest, TheSameSlotAgainIsUnchanged) {
  auto const s = slot(27, 15, 0);
  auto const booked = book(booking("zhang", s));
  auto const again = book(booking("zhang", s));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, Reservation::Outcome::unchanged);
  EXPECT_EQ(again->id, booked->id);
  EXPECT_EQ(usage(s.id), 1);
  EXPECT_EQ(get(booked->id).history.size(), 1u);
}

TEST_F(AppointmentsTest, ARetriedMessageBooksOnceEvenWhenRacing) {
  auto const s = slot(27, 15, 0);
  std::vector<std::function<asio::awaitable<BookResult>()>> tasks;
  for (int i = 0; i < 10; ++i)
    tasks.push_back([this, s, i] { return reserve(db(i), booking("zhang", s), "wecom-msg-1"); });
  auto const results = run(all(std::move(tasks)));
  std::set<std::string> ids;
  for (auto const& r : results) {
    ASSERT_TRUE(r) << r.error().message();
    ids.insert(r->id);
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(count_booked(results), 1u);
  EXPECT_EQ(usage(s.id), 1);
  // A late retry of the first message after a reschedule does not move the appointment back.
  ASSERT_TRUE(book(booking("zhang", slot(27, 16, 0)), "wecom-msg-2"));
  auto const late = book(booking("zhang", s), "wecom-msg-1");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->outcome, Reservation::Outcome::repeated);
  EXPECT_EQ(usage(s.id), 0);
}

TEST_F(AppointmentsTest, CancellingFreesTheSlotAndIsHarmlessTwice) {
  auto const s = slot(27, 15, 0);
  auto const booked = book(booking("a", s, 1));
  ASSERT_TRUE(booked);
  EXPECT_EQ(book(booking("b", s, 1)).error(), appointment_errc::full);
  EXPECT_EQ(run(cancel_appointment(db(), booked->id, "a", "a", kNow + 60)).value(), Cancellation::cancelled);
  EXPECT_EQ(usage(s.id), 0);
  EXPECT_EQ(run(cancel_appointment(db(), booked->id, "a", "a", kNow + 90)).value(), Cancellation::already_cancelled);
  auto const record = get(booked->id);
  EXPECT_EQ(record.status, "cancelled");
  ASSERT_EQ(record.history.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(record.history[1])["what"], "cancelled");
  EXPECT_TRUE(run(appointments_of_user(db(), "a")).value().empty());
  ASSERT_TRUE(book(booking("b", s, 1)));
  // The talent's next booking for the service is a new appointment, not the cancelled one.
  auto const again = book(booking("a", slot(27, 16, 0), 1));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, Reservation::Outcome::booked);
  EXPECT_NE(again->id, booked->id);
}

TEST_F(AppointmentsTest, SomeoneElsesAppointmentCannotBeCancelled) {
  auto const booked = book(booking("a", slot(27, 15, 0)));
  auto const refused = run(cancel_appointment(db(), booked->id, "b", "b", kNow));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), appointment_errc::not_found);
  EXPECT_EQ(get(booked->id).status, "booked");
  EXPECT_EQ(run(cancel_appointment(db(), "AP999999", "a", "a", kNow)).error(), appointment_errc::not_found);
  // The department (no owner) may.
  EXPECT_EQ(run(cancel_appointment(db(), booked->id, "", "li.si", kNow)).value(), Cancellation::cancelled);
}

TEST_F(AppointmentsTest, AVisitThatIsOverIsKeptAndANewOneIsMade) {
  auto const past = slot(26, 9, 0);
  auto const first = book(booking("zhang", past));
  ASSERT_TRUE(first);
  auto const next = book(booking("zhang", slot(30, 9, 0), 2, "household_registration", past.start + 3600));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->outcome, Reservation::Outcome::booked);
  EXPECT_NE(next->id, first->id);
  EXPECT_EQ(get(first->id).slot_id, past.id);
  EXPECT_EQ(run(appointments_of_user(db(), "zhang", past.start + 3600)).value().size(), 1u);
  EXPECT_EQ(run(appointments_of_user(db(), "zhang")).value().size(), 2u);
}

TEST_F(AppointmentsTest, EachServiceHasItsOwnAppointment) {
  auto const a = book(booking("zhang", slot(27, 15, 0), 2, "household_registration"));
  auto const b = book(booking("zhang", slot(27, 15, 30, "hrss"), 2, "social_insurance"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->outcome, Reservation::Outcome::booked);
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(a->id, "AP000001");
  EXPECT_EQ(b->id, "AP000002");
  EXPECT_EQ(run(appointments_of_user(db(), "zhang")).value().size(), 2u);
}

TEST_F(AppointmentsTest, TheAgendaListsADepartmentsDayInTimeOrder) {
  ASSERT_TRUE(book(booking("late", slot(27, 15, 0))));
  ASSERT_TRUE(book(booking("early", slot(27, 9, 0))));
  ASSERT_TRUE(book(booking("other_day", slot(30, 9, 0))));
  ASSERT_TRUE(book(booking("other_department", slot(27, 10, 0, "hrss"), 2, "social_insurance")));
  auto const agenda = run(agenda_of_department(db(), "public_security", "20261127")).value();
  ASSERT_EQ(agenda.size(), 2u);
  EXPECT_EQ(agenda[0].user, "early");
  EXPECT_EQ(agenda[1].user, "late");
  EXPECT_EQ(agenda[0].department, "public_security");
}

TEST_F(AppointmentsTest, MalformedBookingsAreRefused) {
  auto bad_slot = booking("a", slot(27, 15, 0));
  bad_slot.slot_id = "public_security:2026-11-27 15:00";
  auto no_user = booking("", slot(27, 15, 0));
  auto no_capacity = booking("a", slot(27, 15, 0), 0);
  for (auto const& b : {bad_slot, no_user, no_capacity}) {
    auto r = book(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), appointment_errc::invalid_argument);
  }
  EXPECT_EQ(usage(slot(27, 15, 0).id), 0);
}

TEST_F(AppointmentsTest, TheRecordReadsAsJson) {
  auto b = booking("zhang", slot(27, 15, 0));
  b.case_id = "GC20261124-0007";
  auto const booked = book(b);
  auto const j = nlohmann::json::parse(to_json(get(booked->id)));
  EXPECT_EQ(j["id"], booked->id);
  EXPECT_EQ(j["status"], "booked");
  EXPECT_EQ(j["user"], "zhang");
  EXPECT_EQ(j["service"], "household_registration");
  EXPECT_EQ(j["department"], "public_security");
  EXPECT_EQ(j["slot"], "public_security:20261127T1500");
  EXPECT_EQ(j["start"], local(2026, 11, 27, 15, 0));
  EXPECT_EQ(j["case_id"], "GC20261124-0007");
  EXPECT_EQ(j["created_at"], kNow);
  ASSERT_EQ(j["history"].size(), 1u);
  EXPECT_EQ(j["history"][0]["what"], "booked");
  EXPECT_EQ(j["history"][0]["at"], kNow);
  EXPECT_EQ(j["history"][0]["who"], "zhang");
}

TEST(SlotPlace, IsReadFromTheSlotId) {
  auto const p = slot_place("public_security:20261127T1500");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->department, "public_security");
  EXPECT_EQ(p->day, "20261127");
  for (auto bad : {"public_security:20261127", ":20261127T1500", "public_security:2026112xT1500", "x:20261127-1500"})
    EXPECT_FALSE(slot_place(bad)) << bad;
}

}  // namespace
}  // namespace talentbot::storage

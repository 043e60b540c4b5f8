#pragma once
// The application flow in chat (一窗接件, art. 9(一)): "我要申请落户" → the talent's details, one
// clear question at a time → a confirmation card → the case is opened by the responder.
//
// Pure, like decide(): the flow lives in Session::flow / Session::slots, and the confirmed
// application comes out as Decision::open_case. Opening (the id, the deadline, the receipt) needs
// Redis and the calendar, so it happens in bot/case_flow.cpp.
#include <string>

#include "bot/dialogue.hpp"

namespace talentbot::bot::apply {

inline constexpr std::string_view kFlow = "apply";

// Starts the flow for `service`: says what will be asked and asks the first detail.
void start(Decision& d, intents::Service const& service, intents::Language lang);

// A turn while the flow is open. Takes the awaited detail, the confirmation or a way out
// ("取消", "cancel") and returns true; returns false when the turn is something else (a question
// asked in between), which the dialogue then answers before calling remind().
bool step(Decision& d, Turn const& turn, intents::Knowledge const& kb, intents::Language lang);

// After an answer given in the middle of the flow: asks again for what is still awaited.
void remind(Decision& d, intents::Knowledge const& kb, intents::Language lang);

// Validators of what a talent types, public for tests. They strip the usual lead-ins
// ("我叫…", "my name is …", "单位是…") and return the value, or empty when it is not one.
std::string read_name(std::string_view text);
std::string read_employer(std::string_view text);

}  // namespace talentbot::bot::apply

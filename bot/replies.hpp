#pragma once
// The bilingual texts of the dialogue and the rendering of knowledge-base answers (private to bot/;
// dialogue.hpp is the public face). Pure functions of their arguments.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/dialogue.hpp"

namespace talentbot::bot::replies {

using intents::Language;

// Fills {center.address|hours|phone|website} from config. A value that is not configured is never
// guessed: a bracketed mention of it ("（{center.address}）", "(phone: {center.phone})") is dropped,
// and inside a bracket listing several ("地址：…；电话：…") only its own part goes.
std::string fill_center(std::string_view text, config::CenterConfig const& center, Language lang);

// Packs lines into markdown messages of at most `limit` bytes without cutting a line, the later ones
// starting with `continued_header`: a checklist is split, never truncated (WeCom's 2048-byte limit).
std::vector<std::string> pack_lines(std::vector<std::string> const& lines, std::string_view continued_header,
                                    std::size_t limit = wecom::kMaxContentBytes);

// The service's full name, and the name of the department responsible for it.
std::string name_of(intents::Service const& service, Language lang);
std::string department_name(intents::Knowledge const& kb, intents::Service const& service, Language lang);
// A department's name by id; the id itself when the knowledge base does not have it (any more).
std::string department_label(intents::Knowledge const& kb, std::string_view id, Language lang);

// "人才落户" / "Household registration": the name without its parenthetical, for buttons.
std::string short_name(intents::Service const& service, Language lang);
// "《…实施办法（试行）》（平人才〔2018〕3号）第四条（六）" / "Article 4(6) of …".
std::string policy_reference(std::string_view basis, Language lang);

// Knowledge-base answers as markdown messages; `follow_up` ends the last one.
std::vector<std::string> policy_answer(intents::Knowledge const& kb, intents::Service const& service,
                                       config::CenterConfig const& center, Language lang, std::string_view follow_up);
std::vector<std::string> materials_answer(intents::Knowledge const& kb, intents::Service const& service,
                                          config::CenterConfig const& center, Language lang,
                                          std::string_view follow_up);
std::vector<std::string> process_answer(intents::Knowledge const& kb, intents::Service const& service,
                                        config::CenterConfig const& center, Language lang, std::string_view follow_up);
std::string contact_answer(intents::Knowledge const& kb, config::CenterConfig const& center,
                           intents::Service const* service, Language lang);

std::string greeting(Language lang);
std::string help_text(intents::Knowledge const& kb, Language lang);
std::string goodbye(Language lang);
std::string out_of_scope(Language lang);
std::string handoff(config::CenterConfig const& center, Language lang);
std::string complaint(std::optional<std::string> const& case_id, config::CenterConfig const& center, Language lang);

// Holding answers of the flows built elsewhere: what the talent is asked for next.
std::string apply_holding(intents::Service const* service, Language lang);
std::string case_status_holding(std::optional<std::string> const& case_id, Language lang);

// "11月26日（周四）15:00" / "Thu 26 Nov, 15:00" from the NLU's ISO 8601; empty if malformed.
std::string format_when(std::string_view iso, Language lang);

// The follow-up question after an answer, keyed by the intent it offers ("ask_materials", ...),
// and "anything_else".
std::string offer_question(std::string_view offer, Language lang);

// Picks the text for the language.
// Parts joined with a separator (lists of steps, materials, missing contact details).
std::string join(std::vector<std::string> const& parts, std::string_view sep);

inline std::string_view pick(Language lang, std::string_view zh, std::string_view en) {
  return lang == Language::en ? en : zh;
}

}  // namespace talentbot::bot::replies

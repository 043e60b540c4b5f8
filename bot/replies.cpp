// Knowledge-base answers for the dialogue (policy, materials, steps, contact); see replies.hpp.
#include "bot/replies.hpp"

#include <algorithm>
#include <array>

namespace talentbot::bot::replies {
namespace {

using intents::Knowledge;
using intents::Service;

std::string_view text_of(intents::BilingualText const& t, Language lang) {
  return lang == Language::en && !t.en.empty() ? std::string_view(t.en) : std::string_view(t.zh);
}

std::vector<std::string> const& list_of(intents::BilingualList const& l, Language lang) {
  return lang == Language::en && !l.en.empty() ? l.en : l.zh;
}

// nullptr for a key the center config does not have (left verbatim: a typo in the knowledge base
// should be visible, not silently blank).
std::string const* center_value(std::string_view key, config::CenterConfig const& c) {
  if (key == "address") return &c.address;
  if (key == "hours") return &c.hours;
  if (key == "phone") return &c.phone;
  if (key == "website") return &c.website;
  if (key == "name") return &c.name;
  return nullptr;
}

constexpr std::string_view kOpen = "{center.";

// Replaces every placeholder; an unconfigured one becomes `fallback(key)` or, when fallback is
// null, makes the whole substitution fail (the caller then drops the text around it).
template <class Fallback>
bool substitute(std::string_view s, config::CenterConfig const& c, std::string& out, Fallback fallback) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto at = s.find(kOpen, i);
    if (at == std::string_view::npos) break;
    auto end = s.find('}', at);
    if (end == std::string_view::npos) break;
    out.append(s.substr(i, at - i));
    auto key = s.substr(at + kOpen.size(), end - at - kOpen.size());
    auto const* value = center_value(key, c);
    if (value == nullptr) {
      out.append(s.substr(at, end + 1 - at));
    } else if (!value->empty()) {
      out += *value;
    } else {
      auto alt = fallback(key);
      if (alt.empty()) return false;
      out += alt;
    }
    i = end + 1;
  }
  out.append(s.substr(std::min(i, s.size())));
  return true;
}

// Outside brackets a missing value is named generically (the window, the website), as the policy
// does (article 6), never with an invented number or address.
std::string_view generic_name(std::string_view key, Language lang) {
  if (key == "address") return pick(lang, "市行政审批服务中心“一站式”服务窗口", "the one-stop window");
  if (key == "hours") return pick(lang, "工作日办公时间", "office hours");
  if (key == "phone") return pick(lang, "服务窗口", "the window");
  if (key == "website") {
    return pick(lang, "平顶山公共就业人才网", "the Pingdingshan Public Employment and Talent Website");
  }
  return {};
}

struct Bracket {
  std::string_view open, close, sep;
};
constexpr std::array<Bracket, 2> kBrackets = {{{"（", "）", "；"}, {"(", ")", "; "}}};

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  for (auto at = s.find(sep); at != std::string_view::npos; at = s.find(sep, i)) {
    parts.push_back(s.substr(i, at - i));
    i = at + sep.size();
  }
  parts.push_back(s.substr(i));
  return parts;
}

int chinese_number(std::string_view s) {
  static constexpr std::array<std::string_view, 10> kDigits = {"〇", "一", "二", "三", "四",
                                                               "五", "六", "七", "八", "九"};
  auto digit = [&](std::string_view d) {
    for (int i = 0; i < 10; ++i)
      if (kDigits[static_cast<std::size_t>(i)] == d) return i;
    return -1;
  };
  constexpr std::string_view kTen = "十";
  auto ten = s.find(kTen);
  if (ten == std::string_view::npos) return digit(s);
  int tens = ten == 0 ? 1 : digit(s.substr(0, ten));
  auto rest = s.substr(ten + kTen.size());
  int ones = rest.empty() ? 0 : digit(rest);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

// 第四条（二）、（五） → Article 4(2), (5)
std::string basis_in_english(std::string_view basis) {
  std::string out;
  std::size_t i = 0;
  auto take = [&](std::string_view open, std::string_view close, std::string_view before, std::string_view after) {
    if (basis.substr(i, open.size()) != open) return false;
    auto end = basis.find(close, i + open.size());
    if (end == std::string_view::npos) return false;
    int n = chinese_number(basis.substr(i + open.size(), end - i - open.size()));
    if (n < 0) return false;
    out += before;
    out += std::to_string(n);
    out += after;
    i = end + close.size();
    return true;
  };
  while (i < basis.size()) {
    if (take("第", "条", "Article ", "") || take("（", "）", "(", ")")) continue;
    if (basis.substr(i, 3) == "、") {
      out += ", ";
      i += 3;
      continue;
    }
    out += basis[i++];
  }
  return out;
}

std::string time_limit(Service const& s, Language lang) {
  if (s.time_limit.working_days <= 0) return std::string(pick(lang, "以窗口告知为准", "as the window advises"));
  auto days = std::to_string(s.time_limit.working_days);
  if (lang == Language::en) {
    return "about " + days + " working days" + (s.time_limit.review ? " (indicative; the window confirms it)" : "");
  }
  return "约 " + days + " 个工作日" + (s.time_limit.review ? "（参考时限，以窗口确认为准）" : "");
}

// Article 9（二）: where the talent must attend, the center books the specialist for them.
std::string in_person(Service const& s, Language lang) {
  if (s.in_person) {
    return std::string(pick(lang, "需要。市人才交流中心会通过服务专员为您预约到场时间（第九条）",
                            "yes. The Talent Exchange Center books a time with the department's "
                            "specialist for you (article 9)"));
  }
  return std::string(
      pick(lang, "不需要，用人单位或本人提交材料即可", "no, the employer or you can hand in the materials"));
}

void add_follow_up(std::vector<std::string>& lines, std::string_view follow_up) {
  if (!follow_up.empty()) lines.emplace_back(follow_up);
}

}  // namespace

std::string department_label(Knowledge const& kb, std::string_view id, Language lang) {
  auto const* d = kb.department(id);
  return d ? std::string(text_of(d->name, lang)) : std::string(id);
}

std::string department_name(Knowledge const& kb, Service const& s, Language lang) {
  return department_label(kb, s.department, lang);
}

std::string name_of(Service const& s, Language lang) { return std::string(text_of(s.name, lang)); }

std::string join(std::vector<std::string> const& parts, std::string_view sep) {
  std::string out;
  for (auto const& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string fill_center(std::string_view text, config::CenterConfig const& center, Language lang) {
  auto generic = [&](std::string_view key) { return generic_name(key, lang); };
  auto none = [](std::string_view) { return std::string_view{}; };
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    // The next bracket that holds a placeholder; everything before it is filled generically.
    std::size_t open = std::string_view::npos, close = 0;
    Bracket const* kind = nullptr;
    for (auto const& b : kBrackets) {
      for (auto at = text.find(b.open, i); at != std::string_view::npos; at = text.find(b.open, at + 1)) {
        auto end = text.find(b.close, at + b.open.size());
        if (end == std::string_view::npos) break;
        if (text.substr(at, end - at).find(kOpen) == std::string_view::npos) continue;
        if (at < open) open = at, close = end, kind = &b;
        break;
      }
    }
    if (kind == nullptr) break;
    substitute(text.substr(i, open - i), center, out, generic);
    auto inner = text.substr(open + kind->open.size(), close - open - kind->open.size());
    std::vector<std::string> kept;
    for (auto part : split(inner, kind->sep)) {
      std::string filled;
      if (substitute(part, center, filled, none)) kept.push_back(std::move(filled));
    }
    if (kept.empty()) {
      if (kind->open == "(" && !out.empty() && out.back() == ' ') out.pop_back();
    } else {
      out += kind->open;
      out += join(kept, kind->sep);
      out += kind->close;
    }
    i = close + kind->close.size();
  }
  if (i < text.size()) substitute(text.substr(i), center, out, generic);
  return out;
}

std::vector<std::string> pack_lines(std::vector<std::string> const& lines, std::string_view continued_header,
                                    std::size_t limit) {
  std::vector<std::string> chunks;
  std::string current;
  for (auto const& line : lines) {
    if (!current.empty() && current.size() + 1 + line.size() > limit) {
      chunks.push_back(std::move(current));
      current = std::string(continued_header);
    }
    if (!current.empty()) current += '\n';
    current += line;
    if (current.size() > limit) current = wecom::truncate_utf8(current, limit);  // one line over 2 KB
  }
  if (!current.empty()) chunks.push_back(std::move(current));
  return chunks;
}

std::string short_name(Service const& service, Language lang) {
  // Buttons hold about ten characters: "Household registration (hukou) transfer" → "Household registration".
  std::string name(text_of(service.name, lang));
  for (auto const& b : kBrackets) {
    auto at = name.find(b.open);
    if (at != std::string::npos && at > 0) name.erase(at);
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

std::string policy_reference(std::string_view basis, Language lang) {
  if (lang == Language::en) {
    return basis_in_english(basis) +
           " of the Implementation Measures for the Pingdingshan High-Level Talent Service Green Channel "
           "(Ping Rencai [2018] No. 3)";
  }
  return "《平顶山市高层次人才服务绿色通道实施办法（试行）》（平人才〔2018〕3号）" + std::string(basis);
}

std::vector<std::string> policy_answer(Knowledge const& kb, Service const& s, config::CenterConfig const& center,
                                       Language lang, std::string_view follow_up) {
  auto name = name_of(s, lang);
  std::vector<std::string> lines{
      "**" + name + "**",
      fill_center(text_of(s.summary, lang), center, lang),
      std::string(pick(lang, "**申请条件**：", "**Who is eligible:** ")) +
          fill_center(text_of(s.eligibility, lang), center, lang),
      std::string(pick(lang, "**责任单位**：", "**Handled by:** ")) + department_name(kb, s, lang),
      std::string(pick(lang, "**政策依据**：", "**Policy basis:** ")) + policy_reference(s.policy_basis, lang),
  };
  add_follow_up(lines, follow_up);
  return pack_lines(lines, "**" + name + std::string(pick(lang, "（续）**", " (continued)**")));
}

// 一次性告知 (article 7): every item of the checklist, with attendance and time limit, in one
// message; split only when WeCom's size limit forces it.
std::vector<std::string> materials_answer(Knowledge const& kb, Service const& s, config::CenterConfig const& center,
                                          Language lang, std::string_view follow_up) {
  auto name = name_of(s, lang);
  auto count = std::to_string(s.materials.items.size());
  std::vector<std::string> lines;
  if (lang == Language::en) {
    lines.push_back("**" + name + ": required materials (" + count + ")**");
    lines.emplace_back("Here is everything you need, all at once (article 7):");
  } else {
    lines.push_back("**" + name + " · 所需材料（共 " + count + " 项）**");
    lines.emplace_back("以下是需要准备的全部材料，一次性告知（第七条）：");
  }
  int n = 0;
  for (auto const& item : s.materials.items) {
    lines.push_back(std::to_string(++n) + ". " + fill_center(text_of(item, lang), center, lang));
  }
  lines.push_back(std::string(pick(lang, "> 本人到场：", "> In person: ")) + in_person(s, lang));
  lines.push_back(std::string(pick(lang, "> 办理时限：", "> Time limit: ")) + time_limit(s, lang));
  lines.push_back(std::string(pick(lang, "> 责任单位：", "> Handled by: ")) + department_name(kb, s, lang));
  if (s.materials.review) {
    lines.emplace_back(pick(lang, "> 说明：以上清单为一般性指引，最终以市人才交流中心确认为准。",
                            "> Note: this list is general guidance; the Talent Exchange Center confirms the final list."));
  }
  add_follow_up(lines, follow_up);
  return pack_lines(lines,
                    "**" + name + std::string(pick(lang, " · 所需材料（续）**", ": required materials (continued)**")));
}

std::vector<std::string> process_answer(Knowledge const& kb, Service const& s, config::CenterConfig const& center,
                                        Language lang, std::string_view follow_up) {
  auto name = name_of(s, lang);
  std::vector<std::string> lines{
      "**" + name + std::string(pick(lang, " · 办理流程**", ": how to apply**")),
      std::string(pick(lang, "> 办理时限：", "> Time limit: ")) + time_limit(s, lang),
      // 专员办理 (article 9): the department's lead specialist is accountable for the matter.
      std::string(pick(lang, "> 责任单位：", "> Handled by: ")) + department_name(kb, s, lang) +
          std::string(pick(lang, "（服务专员办理，助创专员负总责，第九条）",
                           " (a service specialist handles it, the lead specialist is accountable; article 9)")),
      std::string(pick(lang, "> 本人到场：", "> In person: ")) + in_person(s, lang),
  };
  auto section = [&](std::string_view title, std::vector<std::string> const& steps) {
    if (steps.empty()) return;
    lines.emplace_back(title);
    int n = 0;
    for (auto const& step : steps) lines.push_back(std::to_string(++n) + ". " + fill_center(step, center, lang));
  };
  section(pick(lang, "**窗口办理**", "**At the window**"), list_of(s.steps.window, lang));
  section(pick(lang, "**网上办理**", "**Online**"), list_of(s.steps.online, lang));
  add_follow_up(lines, follow_up);
  return pack_lines(lines,
                    "**" + name + std::string(pick(lang, " · 办理流程（续）**", ": how to apply (continued)**")));
}

std::string contact_answer(Knowledge const& kb, config::CenterConfig const& c, Service const* service, Language lang) {
  std::string name = c.name;
  if (auto const* center = kb.department("talent_center")) {
    if (name.empty()) name = std::string(text_of(center->name, lang));
    else if (lang == Language::en && name == center->name.zh) name = center->name.en + " (" + name + ")";
  }
  std::vector<std::string> lines{"**" + name + std::string(pick(lang, " · 高层次人才“一站式”服务窗口**",
                                                                " · high-level talent one-stop window**"))};
  std::vector<std::string_view> missing;
  auto add = [&](std::string_view label_zh, std::string_view label_en, std::string const& value,
                 std::string_view missing_zh, std::string_view missing_en) {
    if (value.empty()) missing.push_back(pick(lang, missing_zh, missing_en));
    else lines.push_back(std::string(pick(lang, label_zh, label_en)) + value);
  };
  add("地址：", "Address: ", c.address, "地址", "address");
  add("办公时间：", "Hours: ", c.hours, "办公时间", "opening hours");
  add("电话：", "Phone: ", c.phone, "电话", "phone number");
  add("网上办理：", "Online: ", c.website, "网址", "website");
  if (!missing.empty()) {
    std::vector<std::string> names(missing.begin(), missing.end());
    if (lang == Language::en) {
      auto last = names.back();
      names.pop_back();
      auto listed = names.empty() ? last : join(names, ", ") + " or " + last;
      lines.push_back("I don't have the center's " + listed +
                      " on record yet, so I won't guess. The one-stop window at the Municipal Administrative "
                      "Approval Service Center and the green channel page of the Pingdingshan Public Employment "
                      "and Talent Website can help, and you can also leave your question here for the staff.");
    } else {
      lines.push_back("中心的" + join(names, "、") +
                      "暂未在本助手中登记，为免误导就不猜测了。您可以到市行政审批服务中心高层次人才“一站式”服务窗口，"
                      "或在平顶山公共就业人才网绿色通道专页留言咨询，也可以直接在这里留言，我转给工作人员。");
    }
  }
  if (service != nullptr) {
    auto svc = name_of(*service, lang);
    auto dept = department_name(kb, *service, lang);
    lines.push_back(lang == Language::en
                        ? svc + " is handled by the " + dept + "; you still apply at the one window above (article 9)."
                        : "「" + svc + "」由" + dept + "办理，统一在上述窗口受理（第九条，一窗接件）。");
  }
  return join(lines, "\n");
}

}  // namespace talentbot::bot::replies

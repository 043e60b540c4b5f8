#include "intents/nlu.hpp"

#include "intents/classifier.hpp"
#include "intents/knowledge.hpp"
#include "intents/normalize.hpp"
#include "intents/service_matcher.hpp"

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <iterator>
#include <stdexcept>

namespace talentbot::intents {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kNoService = "-";

// The service model only speaks when no alias matched; below this it stays silent, because a
// wrong service sends the talent down the wrong checklist while a missing one makes the bot ask.
constexpr double kServiceModelThreshold = 0.5;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Span {
  std::size_t begin, end;
  std::string_view slot;
};

// Case ids, phone and ID numbers and any other digits become one placeholder each. A run of digits
// with spaces or dashes holding exactly 12 digits (8 + 4) is the case id when one was extracted.
void find_number_spans(std::string_view text, bool has_case_id, std::vector<Span>& spans) {
  for (std::size_t i = 0; i < text.size();) {
    if (!is_digit(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i, digits = 0, last_digit = i;
    while (end < text.size() && (is_digit(text[end]) || text[end] == ' ' || text[end] == '-')) {
      if (is_digit(text[end])) ++digits, last_digit = end;
      ++end;
    }
    std::size_t begin = i;
    const bool case_id = has_case_id && digits == 12;
    if (case_id && begin >= 2 && text.substr(begin - 2, 2) == "gc") {
      begin -= 2;
    } else if (case_id && begin >= 3 && text.substr(begin - 3, 3) == "gc ") {
      begin -= 3;
    }
    spans.push_back({begin, last_digit + 1, case_id ? kCaseIdSlot : kNumberSlot});
    i = end;
  }
}

std::string mask(std::string_view text, std::vector<Span> spans) {
  // Earlier entries win overlaps; callers list spans by priority.
  std::vector<Span> accepted;
  for (const auto& s : spans) {
    const bool overlaps = std::any_of(accepted.begin(), accepted.end(),
                                      [&](const Span& a) { return s.begin < a.end && a.begin < s.end; });
    if (!overlaps && s.begin < s.end && s.end <= text.size()) accepted.push_back(s);
  }
  std::sort(accepted.begin(), accepted.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t pos = 0;
  for (const auto& s : accepted) {
    out.append(text.substr(pos, s.begin - pos));
    out.append(s.slot);
    pos = s.end;
  }
  out.append(text.substr(pos));
  return out;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// The message without spaces, punctuation and the sentence-final particles that do not change a
// yes or a no (好的呀 = 好的, 不用了哈 = 不用了).
std::string bare(std::string_view normalized) {
  std::string out;
  for (std::size_t pos = 0; pos < normalized.size();) {
    const std::size_t start = pos;
    const char32_t c = next_code_point(normalized, pos);
    if (c == U' ' || (c < 0x80 && std::ispunct(static_cast<int>(c))) || c == U'·') continue;
    out.append(normalized.substr(start, pos - start));
  }
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (const std::string_view particle : {"啊", "呀", "吧", "哈", "啦", "哦", "噢", "呢", "嘛", "哒", "滴", "~"}) {
      if (out.size() > particle.size() && out.ends_with(particle)) {
        out.resize(out.size() - particle.size());
        stripped = true;
      }
    }
  }
  return out;
}

constexpr std::string_view kAffirm[] = {
    "好", "好的", "好滴", "好嘞", "好吧", "嗯", "嗯嗯", "嗯呢", "恩", "恩恩", "行", "行的", "行吧", "可以", "可以的", "对",
    "对的", "对啊", "是", "是的", "是啊", "没错", "没问题", "没毛病", "确认", "确定", "同意", "当然", "当然可以", "中",
    "妥", "收到", "要", "要的", "需要", "👍", "👌", "ok", "okay", "okk", "ok的", "yes", "yep", "yup", "yeah", "yea",
    "sure", "correct", "right", "alright", "absolutely", "definitely", "ofcourse", "exactly", "perfect", "fine",
    "yesplease", "thatsright", "thatscorrect", "soundsgood", "confirmed", "confirm", "行行行", "好好好", "对对对",
    "是是是", "可", "好哇", "阔以", "得嘞", "妥了", "ok了", "surething", "yeahsure", "yessure", "allright",
    // Colloquial and dialect forms (中/可中 is Henan's 好), and the emoji a thumb reaches for.
    "嗯呐", "嗯哪", "昂", "对头", "要得", "中中", "可中", "好哒", "好der", "妥妥的", "是的呢", "对呀", "是呀", "嗯是的",
    "没错没错", "嗯好的", "嗯可以", "okok", "okie", "kk", "ya", "yesyes", "✅", "✔", "✔️", "👍🏻", "🙆"};
constexpr std::string_view kDeny[] = {
    "不", "不用", "不用了", "不是", "不对", "不要", "不需要", "不必", "不必了", "不行", "不可以", "不同意", "没有",
    "没有了", "没了", "算了", "别", "别了", "否", "错了", "不了", "暂时不用", "先不用", "no", "nope", "nah",
    "nothanks", "notnow", "notreally", "wrong", "noway", "notthat", "thatswrong", "negative", "不用谢谢", "不不",
    "不不不", "不要不要", "不用不用", "甭了", "甭", "noneed", "notinterested", "不感兴趣", "不用麻烦了", "不必麻烦了",
    "不用哒", "不用噢", "用不着", "不中", "免了", "不是不是", "不对不对", "错", "甭麻烦了", "nopenope", "nahh", "nono",
    "nothx", "notnecessary", "❌", "🙅", "🙅‍♂️", "🙅‍♀️"};

// The reply is one of the words, or one of them said again and again (好好好, 对对, okok, 👌👌):
// repeating a yes or a no keeps its meaning.
template <std::size_t N>
bool is_one_of(std::string_view reply, const std::string_view (&words)[N]) {
  if (reply.empty()) return false;
  for (const std::string_view w : words) {
    if (reply.size() % w.size() != 0) continue;
    bool same = true;
    for (std::size_t at = 0; same && at < reply.size(); at += w.size()) same = reply.substr(at, w.size()) == w;
    if (same) return true;
  }
  return false;
}

// Words that may stand next to a case id without changing what is asked: its progress.
constexpr std::string_view kCaseStatusFiller[] = {
    "到哪一步了", "办到哪了", "怎么样了", "办好了吗", "好了没", "好了吗", "到哪了", "进度", "进展", "状态",
    "查询", "查一下", "查下", "帮我", "看一下", "看看", "请问", "结果", "情况", "案件", "编号", "单号", "我的",
    "申请", "查", "请", "的", "呢", "吗", "了", "一下", "status", "progress", "check", "update", "please", "case",
    "my", "of", "the", "whats", "hows", "is"};

}  // namespace

std::optional<std::string> rule_intent(std::string_view normalized, std::string_view masked) {
  // 转人工 and its English forms, unless the message is a complaint about the staff or asks
  // for a number (人工客服电话多少 is ask_contact).
  static const RE2 human_en(
      R"(\b(talk|speak|chat|connect|transfer|put)( me)? (to|with|through to) (a |an |the )?(real |live )?)"
      R"((human|person|agent|operator|someone|staff|officer|specialist|representative|customer service)\b)"
      R"(|\b(human|live|real) (agent|operator|person)\b)");
  static const RE2 human_zh("(转|找|要|接|换|转接)(个|一下|一个)?人工|人工(客服|服务|坐席)|真人客服");
  const bool asks_for_person = RE2::PartialMatch(normalized, human_zh) || RE2::PartialMatch(normalized, human_en);
  const bool other_topic = contains(normalized, "投诉") || contains(normalized, "电话") || contains(normalized, "号码") ||
                           contains(normalized, "complain") || contains(normalized, "phone");
  if (asks_for_person && !other_topic) return "human_agent";

  if (contains(masked, kCaseIdSlot)) {
    std::string rest = bare(masked);
    for (std::size_t at; (at = rest.find(kCaseIdSlot)) != std::string::npos;) rest.erase(at, kCaseIdSlot.size());
    for (const auto word : kCaseStatusFiller) {
      for (std::size_t at; (at = rest.find(word)) != std::string::npos;) rest.erase(at, word.size());
    }
    if (rest.empty()) return "case_status";
  }

  const std::string b = bare(normalized);
  if (is_one_of(b, kAffirm)) return "affirm";
  if (is_one_of(b, kDeny)) return "deny";
  return std::nullopt;
}

struct Nlu::Analysis {
  std::string normalized;
  std::string masked;          // entities and services masked: the intent model's input
  std::string service_masked;  // entities masked, service words kept: the service model's input
  ServiceMatches services;
  std::optional<DateTimeMention> when;
  std::optional<std::string> case_id;
};

Nlu::Nlu() = default;
Nlu::~Nlu() = default;

Nlu::Analysis Nlu::analyse(std::string_view text, const ReferenceTime& now) const {
  Analysis a;
  a.normalized = normalize(text);
  a.case_id = extract_case_id(a.normalized);
  a.when = extract_datetime(a.normalized, now);
  a.services = matcher_->match(a.normalized);

  std::vector<Span> numbers;
  find_number_spans(a.normalized, a.case_id.has_value(), numbers);
  std::vector<Span> entities;
  for (const auto& n : numbers) {
    if (n.slot == kCaseIdSlot) entities.push_back(n);
  }
  if (a.when) entities.push_back({a.when->begin, a.when->end, kDateTimeSlot});
  std::vector<Span> with_services = entities;
  for (const auto& [begin, end] : a.services.spans) with_services.push_back({begin, end, kServiceSlot});
  for (const auto& n : numbers) {
    if (n.slot == kNumberSlot) entities.push_back(n), with_services.push_back(n);
  }
  a.masked = mask(a.normalized, with_services);
  a.service_masked = mask(a.normalized, entities);
  return a;
}

std::shared_ptr<const Nlu> Nlu::load(const std::filesystem::path& knowledge_dir,
                                     const std::filesystem::path& training_tsv) {
  const auto start = Clock::now();
  LabelledSet data = read_labelled_tsv(training_tsv);
  if (data.lines.empty()) throw std::runtime_error(training_tsv.string() + ": no training lines");
  auto nlu = build(knowledge_dir, data);
  nlu->stats_.load_ms = ms_since(start);
  return nlu;
}

std::shared_ptr<const Nlu> Nlu::load(const std::filesystem::path& knowledge_dir, const LabelledSet& data) {
  const auto start = Clock::now();
  auto nlu = build(knowledge_dir, data);
  nlu->stats_.load_ms = ms_since(start);
  return nlu;
}

std::shared_ptr<Nlu> Nlu::build(const std::filesystem::path& knowledge_dir, const LabelledSet& data) {
  std::shared_ptr<Nlu> nlu(new Nlu);
  nlu->knowledge_ = Knowledge::load(knowledge_dir);
  nlu->matcher_ = std::make_unique<ServiceMatcher>(*nlu->knowledge_);

  const auto training_start = Clock::now();
  if (data.lines.empty()) throw std::runtime_error("no training lines");
  // Relative dates only have to be found, not resolved exactly, for masking.
  const ReferenceTime now = data.now.value_or(ReferenceTime{});
  // The lines are analysed in two halves at once (analyse() is thread-safe): nothing else runs yet,
  // and on two cores this takes a tenth off the load.
  const std::size_t count = data.lines.size();
  std::vector<LabelledText> intent_examples(count), service_examples(count);
  const auto analyse_lines = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const auto& line = data.lines[i];
      Analysis a = nlu->analyse(line.text, now);
      intent_examples[i] = {std::move(a.masked), line.intent};
      service_examples[i] = {std::move(a.service_masked), line.service.value_or(std::string(kNoService))};
    }
  };
  auto second_half = std::async(std::launch::async, analyse_lines, count / 2, count);
  analyse_lines(0, count / 2);
  second_half.get();
  // Two cores are the norm where this runs; the two models are independent. The service model
  // only ranks services when no alias named one, so one fit without calibration does, and it reads
  // the topic from character n-grams alone: word features changed 3 of 5,366 cross-validated
  // services and cost a second ICU segmentation of every line (15 ms of the load).
  TrainOptions service_options;
  service_options.members = 1;
  service_options.calibration_share = 0;
  service_options.words = false;
  auto services = std::async(std::launch::async, [&] { return Classifier::train(service_examples, service_options); });
  nlu->intents_ = std::make_unique<Classifier>(Classifier::train(intent_examples));
  nlu->services_ = std::make_unique<Classifier>(services.get());
  nlu->stats_.training_ms = ms_since(training_start);

  // Homophones are indexed only now: the classifier is trained on what the aliases name exactly,
  // as it always was.
  nlu->matcher_->index_homophones();
  nlu->stats_.training_lines = data.lines.size();
  nlu->stats_.intent_features = nlu->intents_->feature_count();
  nlu->stats_.model_bytes = nlu->intents_->memory_bytes() + nlu->services_->memory_bytes();
  nlu->stats_.temperature = nlu->intents_->temperature();
  return nlu;
}

std::optional<std::string> Nlu::choose_service(const Analysis& a, bool may_guess,
                                               std::vector<std::pair<std::string, double>>& candidates) const {
  for (const auto& m : a.services.ranked) candidates.emplace_back(m.service, m.score);
  const auto& ranked = a.services.ranked;
  // Several services named outright (我刚认定了人才 落户怎么办): the first is usually the topic,
  // but not always, so the model, which reads the whole sentence, picks among them.
  const bool several_named = ranked.size() >= 2 && ranked[1].score >= ServiceMatcher::kNamed;
  if (several_named) {
    const auto model = services_->predict(a.service_masked);
    for (const auto& [label, p] : model) {
      for (const auto& m : ranked) {
        if (m.score >= ServiceMatcher::kNamed && m.service == label) return label;
      }
    }
  }
  if (!ranked.empty() && ranked.front().score >= ServiceMatcher::kConfident) return ranked.front().service;
  if (!may_guess && ranked.empty()) return std::nullopt;
  const auto model = services_->predict(a.service_masked);
  if (!ranked.empty()) {
    // Only a department that runs several services was named (人社局, 公安): let the model say
    // which of them, or none, the way the labelled data reads such messages.
    for (const auto& [label, p] : model) {
      if (label == kNoService) return std::nullopt;
      const bool offered =
          std::any_of(ranked.begin(), ranked.end(), [&](const ServiceMatch& m) { return m.service == label; });
      if (offered) return label;
    }
    return std::nullopt;
  }
  for (const auto& [label, p] : model) {
    if (label != kNoService && candidates.size() < 3) candidates.emplace_back(label, p);
  }
  const auto& [label, p] = model.front();
  if (label == kNoService || p < kServiceModelThreshold) return std::nullopt;
  return label;
}

Parse Nlu::parse(std::string_view text, const ReferenceTime& now) const {
  Parse out;
  out.text = std::string(text);
  out.language = detect_language(text);
  const Analysis a = analyse(text, now);
  out.case_id = a.case_id;
  if (a.when) {
    if (a.when->hour) {
      out.datetime = format_datetime(*a.when, now.utc_offset);
    } else {
      out.date = format_date(*a.when);
    }
  }
  if (a.normalized.empty()) {
    out.intent = "out_of_scope";
    out.confidence = 1;
    return out;
  }
  if (auto rule = rule_intent(a.normalized, a.masked)) {
    out.intent = *rule;
    out.confidence = kRuleConfidence;
    out.intent_candidates.emplace_back(*rule, kRuleConfidence);
  } else {
    const auto ranked = intents_->predict(a.masked);
    for (std::size_t i = 0; i < ranked.size() && i < 3; ++i) out.intent_candidates.push_back(ranked[i]);
    const auto& [best, p] = ranked.front();
    if (best != "out_of_scope" && p < kOutOfScopeThreshold) {
      out.intent = "out_of_scope";
      out.confidence = 1 - p;  // the probability that the best in-scope reading is wrong
    } else {
      out.intent = best;
      out.confidence = p;
    }
  }
  // Off-topic chatter names no service unless it names one outright: the service model would
  // otherwise read 银行卡丢了 as the green card (绿卡丢了) it was trained on.
  out.service = choose_service(a, out.intent != "out_of_scope", out.service_candidates);
  return out;
}

std::string to_json_line(const Parse& parse) {
  nlohmann::ordered_json j;
  j["text"] = parse.text;
  j["intent"] = parse.intent;
  // Three decimals, and never a certainty: a calibrated 0.9996 is not 1 (on held-out lines about
  // one in 200 of those is wrong), and a printed 1.0 reads as "never double-check".
  j["confidence"] = std::min(std::round(parse.confidence * 1000) / 1000, 0.999);
  nlohmann::ordered_json entities = nlohmann::ordered_json::object();
  if (parse.service) entities["service"] = *parse.service;
  if (parse.case_id) entities["case_id"] = *parse.case_id;
  if (parse.datetime) entities["datetime"] = *parse.datetime;
  if (parse.date) entities["date"] = *parse.date;
  j["entities"] = std::move(entities);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

LabelledSet read_labelled_tsv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  LabelledSet set;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.starts_with('#')) {
      constexpr std::string_view kNow = "# now=";
      if (line.starts_with(kNow)) {
        set.now = parse_iso8601(std::string_view(line).substr(kNow.size()));
        if (!set.now) throw std::runtime_error(file.string() + ':' + std::to_string(number) + ": bad now= time");
      }
      continue;
    }
    std::vector<std::string> cols;
    for (std::size_t pos = 0;;) {
      const std::size_t tab = line.find('\t', pos);
      cols.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    if (cols.size() != 6) {
      throw std::runtime_error(file.string() + ':' + std::to_string(number) + ": expected 6 tab-separated columns, got " +
                               std::to_string(cols.size()));
    }
    const auto opt = [](const std::string& v) { return v == "-" ? std::nullopt : std::optional<std::string>(v); };
    set.lines.push_back({number, cols[0], cols[1], opt(cols[2]), opt(cols[3]), opt(cols[4]), opt(cols[5])});
  }
  return set;
}

}  // namespace talentbot::intents

#include "intents/cli.hpp"

#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <istream>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>

namespace talentbot::intents {
namespace {

using Clock = std::chrono::steady_clock;

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string pad(std::string s, std::size_t width) {
  // Intent ids are ASCII, so bytes are columns.
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

double share(std::size_t part, std::size_t whole) {
  return whole == 0 ? 1.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string show(const std::optional<std::string>& v) { return v.value_or("-"); }

// For an optional entity: counts lines that expect it, those got exactly right, and lines that
// expect none but got one.
struct EntityTally {
  std::size_t expected = 0, found = 0, false_positives = 0;
  void add(const std::optional<std::string>& want, const std::optional<std::string>& got) {
    if (want) {
      ++expected;
      found += got == want;
    } else if (got) {
      ++false_positives;
    }
  }
};

}  // namespace

double percentile(std::vector<double> sample, double p) {
  if (sample.empty()) return 0;
  std::sort(sample.begin(), sample.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sample.size())));
  return sample[std::clamp<std::size_t>(rank, 1, sample.size()) - 1];
}

namespace {

// What one labelled line came out as; a report is a summary of these.
struct Outcome {
  const LabelledLine* line;
  Parse parse;
  double micros;
};

void parse_into(const Nlu& nlu, const ReferenceTime& now, const std::vector<const LabelledLine*>& lines,
                std::vector<Outcome>& out) {
  for (const LabelledLine* line : lines) {
    const auto start = Clock::now();
    Parse p = nlu.parse(line->text, now);
    const double micros = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    out.push_back({line, std::move(p), micros});
  }
}

EvalReport summarize(const std::vector<Outcome>& outcomes) {
  EvalReport r;
  std::map<std::string, std::size_t> tp, fp, fn, support;
  std::map<std::pair<std::string, std::string>, std::size_t> confusions;
  EntityTally case_ids, datetimes;
  std::size_t service_exact = 0, service_expected = 0, service_found = 0, service_fp = 0;
  constexpr std::size_t kBins = 10;
  r.reliability.resize(kBins);
  for (std::size_t b = 0; b < kBins; ++b) {
    r.reliability[b].low = static_cast<double>(b) / kBins;
    r.reliability[b].high = static_cast<double>(b + 1) / kBins;
  }
  double nll = 0;
  for (const auto& [line_ptr, p, micros] : outcomes) {
    const LabelledLine& line = *line_ptr;
    r.parse_micros.push_back(micros);
    ++r.lines;
    ++support[line.intent];
    const bool right = p.intent == line.intent;
    if (right) {
      ++r.intent_correct, ++tp[line.intent];
    } else {
      ++fn[line.intent], ++fp[p.intent], ++confusions[{line.intent, p.intent}];
      r.mistakes.push_back({line.line, line.text, "intent", line.intent, p.intent});
    }
    const double confidence = std::clamp(p.confidence, 0.0, 1.0);
    ReliabilityBin& bin = r.reliability[std::min(kBins - 1, static_cast<std::size_t>(confidence * kBins))];
    ++bin.count;
    bin.correct += right;
    bin.mean_confidence += confidence;
    nll -= std::log(std::max(right ? confidence : 1 - confidence, 1e-4));
    service_exact += p.service == line.service;
    if (line.service) {
      ++service_expected;
      service_found += p.service == line.service;
    } else if (p.service) {
      ++service_fp;
    }
    if (p.service != line.service) {
      r.mistakes.push_back({line.line, line.text, "service", show(line.service), show(p.service)});
    }
    case_ids.add(line.case_id, p.case_id);
    if (p.case_id != line.case_id) {
      r.mistakes.push_back({line.line, line.text, "case_id", show(line.case_id), show(p.case_id)});
    }
    const bool want_time = line.datetime || line.date;
    const bool got_time = p.datetime || p.date;
    if (want_time) {
      ++datetimes.expected;
      datetimes.found += p.datetime == line.datetime && p.date == line.date;
    } else if (got_time) {
      ++datetimes.false_positives;
    }
    if (p.datetime != line.datetime || p.date != line.date) {
      r.mistakes.push_back({line.line, line.text, "datetime", show(line.datetime) + " " + show(line.date),
                            show(p.datetime) + " " + show(p.date)});
    }
  }
  for (auto& bin : r.reliability) {
    if (bin.count == 0) continue;
    bin.mean_confidence /= static_cast<double>(bin.count);
    r.expected_calibration_error += static_cast<double>(bin.count) *
                                    std::abs(share(bin.correct, bin.count) - bin.mean_confidence);
  }
  if (r.lines > 0) {
    r.expected_calibration_error /= static_cast<double>(r.lines);
    r.negative_log_likelihood = nll / static_cast<double>(r.lines);
  }
  r.intent_accuracy = share(r.intent_correct, r.lines);
  std::set<std::string> intents;
  for (const auto& [k, v] : support) intents.insert(k);
  for (const auto& [k, v] : fp) intents.insert(k);
  double f1_sum = 0;
  for (const auto& intent : intents) {
    IntentScore s{intent};
    const double t = static_cast<double>(tp[intent]);
    s.support = support[intent];
    s.precision = t + static_cast<double>(fp[intent]) > 0 ? t / (t + static_cast<double>(fp[intent])) : 0;
    s.recall = s.support > 0 ? t / static_cast<double>(s.support) : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    f1_sum += s.f1;
    r.per_intent.push_back(s);
  }
  r.macro_f1 = intents.empty() ? 0 : f1_sum / static_cast<double>(intents.size());
  for (const auto& [pair, count] : confusions) r.confusions.push_back({pair.first, pair.second, count});
  std::stable_sort(r.confusions.begin(), r.confusions.end(),
                   [](const Confusion& a, const Confusion& b) { return a.count > b.count; });
  r.service_accuracy = share(service_exact, r.lines);
  r.service_expected = service_expected, r.service_found = service_found, r.service_false_positives = service_fp;
  r.case_id_accuracy = share(case_ids.found, case_ids.expected);
  r.case_id_expected = case_ids.expected, r.case_id_found = case_ids.found;
  r.case_id_false_positives = case_ids.false_positives;
  r.datetime_accuracy = share(datetimes.found, datetimes.expected);
  r.datetime_expected = datetimes.expected, r.datetime_found = datetimes.found;
  r.datetime_false_positives = datetimes.false_positives;
  std::stable_sort(r.mistakes.begin(), r.mistakes.end(), [](const Mistake& a, const Mistake& b) { return a.line < b.line; });
  return r;
}

}  // namespace

EvalReport evaluate(const Nlu& nlu, const LabelledSet& set) {
  std::vector<const LabelledLine*> lines;
  for (const auto& line : set.lines) lines.push_back(&line);
  std::vector<Outcome> outcomes;
  parse_into(nlu, set.now.value_or(ReferenceTime{}), lines, outcomes);
  return summarize(outcomes);
}

EvalReport cross_validate(const std::filesystem::path& knowledge_dir, const LabelledSet& data, int folds) {
  if (folds < 2) throw std::invalid_argument("cross_validate: at least two folds");
  // Stratified: each intent's lines are shuffled with a fixed seed and dealt round-robin.
  std::map<std::string, std::vector<std::size_t>> by_intent;
  for (std::size_t i = 0; i < data.lines.size(); ++i) by_intent[data.lines[i].intent].push_back(i);
  std::vector<int> fold_of(data.lines.size());
  std::mt19937_64 rng(20181015);
  std::size_t dealt = 0;
  for (auto& [intent, rows] : by_intent) {
    for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
    for (const std::size_t row : rows) fold_of[row] = static_cast<int>(dealt++ % static_cast<std::size_t>(folds));
  }
  std::vector<Outcome> outcomes;
  for (int k = 0; k < folds; ++k) {
    LabelledSet train;
    train.now = data.now;
    std::vector<const LabelledLine*> held;
    for (std::size_t i = 0; i < data.lines.size(); ++i) {
      if (fold_of[i] == k) {
        held.push_back(&data.lines[i]);
      } else {
        train.lines.push_back(data.lines[i]);
      }
    }
    parse_into(*Nlu::load(knowledge_dir, train), data.now.value_or(ReferenceTime{}), held, outcomes);
  }
  std::stable_sort(outcomes.begin(), outcomes.end(),
                   [](const Outcome& a, const Outcome& b) { return a.line->line < b.line->line; });
  return summarize(outcomes);
}

void print_report(const EvalReport& r, std::ostream& out) {
  out << "Intent accuracy: " << fixed(r.intent_accuracy, 4) << " (" << r.intent_correct << '/' << r.lines
      << "), macro F1 " << fixed(r.macro_f1, 4) << "\n\n";
  out << pad("intent", 24) << "precision  recall  f1-score  support\n";
  for (const auto& s : r.per_intent) {
    out << pad(s.intent, 24) << pad(fixed(s.precision, 3), 11) << pad(fixed(s.recall, 3), 8)
        << pad(fixed(s.f1, 3), 10) << s.support << '\n';
  }
  out << "\nTop confusions (expected -> predicted):\n";
  if (r.confusions.empty()) out << "  none\n";
  for (std::size_t i = 0; i < r.confusions.size() && i < 10; ++i) {
    out << "  " << pad(r.confusions[i].expected, 24) << "-> " << pad(r.confusions[i].predicted, 24)
        << r.confusions[i].count << '\n';
  }
  out << "\nService accuracy: " << fixed(r.service_accuracy, 4) << " (all lines, absence included); named "
      << r.service_found << '/' << r.service_expected << ", false positives " << r.service_false_positives << '\n';
  out << "Case id accuracy: " << fixed(r.case_id_accuracy, 4) << " (" << r.case_id_found << '/' << r.case_id_expected
      << "), false positives " << r.case_id_false_positives << '\n';
  out << "Date-time accuracy: " << fixed(r.datetime_accuracy, 4) << " (" << r.datetime_found << '/'
      << r.datetime_expected << "), false positives " << r.datetime_false_positives << '\n';
  out << "\nConfidence reliability (printed intent confidence vs. accuracy; ECE "
      << fixed(r.expected_calibration_error, 3) << ", log-loss " << fixed(r.negative_log_likelihood, 3) << "):\n";
  out << "  confidence   lines  accuracy  mean confidence\n";
  for (const auto& bin : r.reliability) {
    if (bin.count == 0) continue;
    out << "  " << fixed(bin.low, 1) << '-' << fixed(bin.high, 1) << "    " << pad(std::to_string(bin.count), 7)
        << pad(fixed(share(bin.correct, bin.count), 3), 10) << fixed(bin.mean_confidence, 3) << '\n';
  }
  out << "Parse time per message: median " << fixed(percentile(r.parse_micros, 50), 1) << " us, p99 "
      << fixed(percentile(r.parse_micros, 99), 1) << " us\n";
  if (!r.mistakes.empty()) {
    out << "\nMistakes (line: field expected -> predicted | text):\n";
    for (const auto& m : r.mistakes) {
      out << "  " << m.line << ": " << m.field << ' ' << m.expected << " -> " << m.predicted << " | " << m.text << '\n';
    }
  }
}

Floors read_floors(const std::filesystem::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(file.string() + ':' + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) throw std::runtime_error(file.string() + ": expected a mapping of figure: floor");
  Floors f;
  const std::map<std::string, double*> fields{{"intent_accuracy", &f.intent_accuracy},
                                              {"service_accuracy", &f.service_accuracy},
                                              {"case_id_accuracy", &f.case_id_accuracy},
                                              {"datetime_accuracy", &f.datetime_accuracy}};
  for (const auto& entry : root) {
    const std::string where = file.string() + ':' + std::to_string(entry.first.Mark().line + 1);
    const auto it = fields.find(entry.first.Scalar());
    if (it == fields.end()) throw std::runtime_error(where + ": unknown floor '" + entry.first.Scalar() + "'");
    double value = -1;
    if (!YAML::convert<double>::decode(entry.second, value) || value < 0 || value > 1) {
      throw std::runtime_error(where + ": " + it->first + " must be a share from 0 to 1");
    }
    *it->second = value;
  }
  return f;
}

std::vector<std::string> below_floors(const EvalReport& r, const Floors& f) {
  std::vector<std::string> out;
  const auto check = [&](std::string_view name, double value, double floor) {
    if (value + 1e-12 < floor) {
      out.push_back(std::string(name) + ' ' + fixed(value, 4) + " is below the floor " + fixed(floor, 4));
    }
  };
  check("intent accuracy", r.intent_accuracy, f.intent_accuracy);
  check("service accuracy", r.service_accuracy, f.service_accuracy);
  check("case id accuracy", r.case_id_accuracy, f.case_id_accuracy);
  check("date-time accuracy", r.datetime_accuracy, f.datetime_accuracy);
  return out;
}

int run_nlu(std::istream& in, std::ostream& out, std::ostream& err, std::string_view now_iso,
            const std::filesystem::path& knowledge_dir, const std::filesystem::path& training_tsv) {
  const auto now = parse_iso8601(now_iso);
  if (!now) {
    err << "talentbot nlu: --now must be an ISO 8601 date-time such as 2026-11-25T10:00:00+08:00, got '"
        << now_iso << "'\n";
    return 2;
  }
  std::shared_ptr<const Nlu> nlu;
  try {
    nlu = Nlu::load(knowledge_dir, training_tsv);
  } catch (const std::exception& e) {
    err << "talentbot nlu: cannot load the model: " << e.what() << '\n';
    return 1;
  }
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out << to_json_line(nlu->parse(line, *now)) << '\n' << std::flush;
  }
  return 0;
}

int run_nlu_eval(const std::filesystem::path& test_tsv, std::ostream& out, std::ostream& err,
                 const std::filesystem::path& knowledge_dir, const std::filesystem::path& training_tsv,
                 const std::filesystem::path* floors, int folds) {
  LabelledSet set;
  try {
    set = read_labelled_tsv(test_tsv);
  } catch (const std::exception& e) {
    err << "talentbot nlu-eval: " << e.what() << '\n';
    return 2;
  }
  std::shared_ptr<const Nlu> nlu;
  Floors limits;
  if (folds >= 2) {
    EvalReport report;
    try {
      if (floors) limits = read_floors(*floors);
      report = cross_validate(knowledge_dir, set, folds);
    } catch (const std::exception& e) {
      err << "talentbot nlu-eval: " << e.what() << '\n';
      return 1;
    }
    out << "NLU " << folds << "-fold cross-validation of " << test_tsv.string() << ": " << report.lines
        << " lines, each parsed by a model trained on the other folds\n\n";
    print_report(report, out);
    if (!floors) return 0;
    const auto failures = below_floors(report, limits);
    for (const auto& f : failures) err << "talentbot nlu-eval: " << f << '\n';
    return failures.empty() ? 0 : 1;
  }
  try {
    nlu = Nlu::load(knowledge_dir, training_tsv);
    if (floors) limits = read_floors(*floors);
  } catch (const std::exception& e) {
    err << "talentbot nlu-eval: " << e.what() << '\n';
    return 1;
  }
  if (!set.now) err << "talentbot nlu-eval: " << test_tsv.string() << " has no '# now=' line; relative dates use the epoch\n";
  const EvalReport report = evaluate(*nlu, set);
  out << "NLU evaluation of " << test_tsv.string() << ": " << report.lines << " lines; model trained on "
      << nlu->stats().training_lines << " lines in " << fixed(nlu->stats().load_ms, 1) << " ms ("
      << nlu->stats().intent_features << " intent features, " << nlu->stats().model_bytes / 1024
      << " KiB, temperature " << fixed(nlu->stats().temperature, 2) << ")\n\n";
  print_report(report, out);
  if (!floors) return 0;
  const auto failures = below_floors(report, limits);
  for (const auto& f : failures) err << "talentbot nlu-eval: " << f << '\n';
  if (failures.empty()) out << "\nAll figures meet the floors in " << floors->string() << '\n';
  return failures.empty() ? 0 : 1;
}

}  // namespace talentbot::intents

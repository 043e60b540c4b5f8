#include "intents/classifier.hpp"

#include "intents/normalize.hpp"

#include <algorithm>
#include <initializer_list>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace talentbot::intents {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t fnv(std::uint64_t h, std::string_view bytes) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

std::uint64_t feature_id(char kind, std::string_view a, std::string_view b = {}) {
  std::uint64_t h = fnv(kFnvOffset, std::string_view(&kind, 1));
  h = fnv(h, a);
  if (!b.empty()) h = fnv(fnv(h, "\x1f"), b);
  return h == 0 ? 1 : h;  // 0 marks an empty slot of the vocabulary table
}

void softmax(std::vector<double>& z, double temperature) {
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (double& v : z) sum += v = std::exp((v - top) / temperature);
  for (double& v : z) v /= sum;
}

// Deterministic across standard libraries, unlike std::shuffle's use of the engine.
void shuffle(std::vector<std::size_t>& rows, std::mt19937_64& rng) {
  for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
}

// Concept cues: synonyms a talent may use that the training lines cannot all contain. Each cue
// fires a shared feature for its concept, so a weight learnt from 材料 also helps 证件 or
// paperwork. Intent-neutral words of the domain (人才, 窗口, talent) form the `domain` concept,
// whose absence is what out-of-scope chit-chat has in common.
struct Concept {
  std::string_view name;
  std::initializer_list<std::string_view> cues;
};
const Concept kConcepts[] = {
    {"materials", {"材料", "资料", "证件", "证明", "文件", "复印件", "原件", "照片", "带什么", "带啥", "带哪些", "准备什么",
                   "准备啥", "准备哪些", "要什么", "要哪些", "需要什么", "清单", "表格", "documents", "document", "paperwork",
                   "papers", "bring", "copies", "checklist", "prepare", "forms"}},
    {"document", {"身份证", "户口本", "户口簿", "毕业证", "学位证", "护照", "结婚证", "出生证", "合同", "劳动合同", "证书",
                  "照片", "公章", "报告", "申请表", "推荐信", "成绩单", "无犯罪", "介绍信", "流水", "银行卡", "社保卡",
                  "房产证", "营业执照", "扫描件", "diploma", "passport", "certificate", "photo", "photos", "copy", "letter",
                  "transcript", "contract", "id card", "original"}},
    {"process", {"流程", "步骤", "手续", "怎么办", "怎么弄", "怎么申请", "如何", "去哪办", "哪里办", "在哪办", "哪个窗口",
                 "哪个部门", "在哪里办", "去哪", "多久", "几天", "时限", "网上", "线上", "现场", "先", "然后", "环节", "下一步",
                 "邮寄", "快递", "加急", "委托", "代办", "本人", "亲自", "到场", "跑几趟", "process", "steps", "procedure",
                 "how do i", "how to", "how long", "online", "in person", "where do i", "which window", "next step",
                 "by post", "on my behalf"}},
    {"policy", {"条件", "资格", "符合", "能不能", "可不可以", "有没有", "多少钱", "待遇", "政策", "优惠", "标准", "规定", "范围",
                "享受", "算不算", "是否", "eligible", "eligibility", "qualify", "policy", "benefit", "benefits", "entitled",
                "is there", "does the", "cover", "criteria"}},
    {"apply", {"我要申请", "帮我申请", "我想申请", "我要办", "帮我办", "我想办", "提交", "申报", "开单", "办一个", "办个",
               "apply", "submit", "sign up", "register me", "start an application", "i want to", "i'd like to"}},
    {"status", {"进度", "到哪", "结果", "审核", "通过了吗", "怎么还没", "还没", "有消息", "动静", "批了", "下来了", "办好",
                "status", "progress", "approved", "ready", "done yet", "any news", "update", "processed"}},
    {"book", {"预约", "约", "挂号", "排号", "取号", "订", "号源", "appointment", "book", "booking", "slot", "schedule",
              "reserve"}},
    {"change", {"改", "换", "调", "推迟", "提前", "改期", "延后", "挪", "reschedule", "move", "change", "postpone",
                "instead", "earlier", "later"}},
    {"cancel", {"取消", "不去了", "作废", "撤销", "撤回", "不要了", "cancel", "drop", "call off", "withdraw"}},
    {"booked", {"我约的", "约了", "约的", "预约的", "do i have", "am i booked", "my appointment", "my booking", "booked"}},
    {"person", {"人工", "真人", "客服", "工作人员", "专员", "领导", "负责人", "human", "person", "agent", "staff",
                "someone", "officer"}},
    {"complaint", {"投诉", "太慢", "拖", "推诿", "不满", "差评", "态度", "举报", "不负责", "踢皮球", "推来推去", "敷衍",
                   "失望", "离谱", "过分", "complaint", "complain", "unacceptable", "ridiculous", "terrible", "forever",
                   "frustrated", "rude", "slow", "worst"}},
    {"contact", {"电话", "地址", "在哪", "几楼", "怎么走", "上班时间", "办公时间", "下班", "邮箱", "网址", "网站", "联系方式",
                 "公交", "停车", "phone", "address", "where is", "hours", "open", "email", "website", "contact",
                 "located", "number", "call"}},
    {"greet", {"你好", "您好", "在吗", "在么", "hi", "hello", "hey", "morning", "早上好"}},
    {"bye", {"再见", "拜拜", "谢谢", "感谢", "辛苦", "bye", "thanks", "thank you", "goodbye"}},
    {"help", {"能做什么", "怎么用", "功能", "帮助", "你是谁", "能干什么", "能干啥", "会什么", "help", "what can you",
              "how does this", "who are you", "menu"}},
    {"domain", {"人才", "绿色通道", "窗口", "办理", "申请", "政策", "部门", "中心", "专员", "材料", "服务", "认定", "补贴",
                "单位", "博士", "教授", "硕士", "专家", "公司", "企业", "预约", "审批", "证", "talent", "green channel",
                "window", "application", "policy", "department", "service", "center", "centre", "permit", "certificate",
                "apply", "appointment", "officer", "bureau"}},
};

struct CueIndex {
  struct Cue {
    std::string text;
    std::uint64_t feature;
    bool ascii;
  };
  std::vector<Cue> cues;
  std::vector<std::vector<std::uint32_t>> by_first_byte = std::vector<std::vector<std::uint32_t>>(256);
  std::uint64_t no_domain = feature_id('c', "no-domain");

  CueIndex() {
    for (const auto& group : kConcepts) {
      for (const auto cue : group.cues) {
        const bool ascii = static_cast<unsigned char>(cue.front()) < 0x80;
        by_first_byte[static_cast<unsigned char>(cue.front())].push_back(static_cast<std::uint32_t>(cues.size()));
        cues.push_back({std::string(cue), feature_id('c', group.name), ascii});
      }
    }
  }
};

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

void add_concepts(std::string_view text, std::vector<std::uint64_t>& out) {
  static const CueIndex index;
  static const std::uint64_t domain = feature_id('c', "domain");
  bool in_domain = text.find(kServiceSlot) != std::string_view::npos;
  const std::size_t first = out.size();
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    for (const std::uint32_t i : index.by_first_byte[static_cast<unsigned char>(text[pos])]) {
      const auto& cue = index.cues[i];
      if (text.compare(pos, cue.text.size(), cue.text) != 0) continue;
      if (cue.ascii && ((pos > 0 && is_alnum(text[pos - 1])) ||
                        (pos + cue.text.size() < text.size() && is_alnum(text[pos + cue.text.size()])))) {
        continue;
      }
      out.push_back(cue.feature);
      in_domain = in_domain || cue.feature == domain;
    }
  }
  // A concept counts once however many of its cues appear, like a word would.
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(first), out.end()), out.end());
  if (!in_domain) out.push_back(index.no_domain);
}

}  // namespace

std::vector<std::uint64_t> featurize(std::string_view masked) {
  std::string marked = "\x02";
  marked.append(masked);
  marked.push_back('\x03');
  std::vector<std::size_t> offsets;
  for (std::size_t pos = 0; pos < marked.size();) {
    offsets.push_back(pos);
    next_code_point(marked, pos);
  }
  offsets.push_back(marked.size());
  const std::size_t chars = offsets.size() - 1;
  std::vector<std::uint64_t> out;
  out.reserve(chars * 3 + 24);
  for (std::size_t n = 1; n <= 3; ++n) {
    for (std::size_t i = 0; i + n <= chars; ++i) {
      const std::string_view gram(marked.data() + offsets[i], offsets[i + n] - offsets[i]);
      if (n == 1 && (i == 0 || i + 1 == chars || gram == " ")) continue;
      out.push_back(feature_id(static_cast<char>('0' + n), gram));
    }
  }
  const std::vector<std::string> words = segment_words(masked);
  std::string_view prev = "<s>";
  for (const auto& w : words) {
    out.push_back(feature_id('w', w));
    out.push_back(feature_id('b', prev, w));
    prev = w;
  }
  out.push_back(feature_id('b', prev, "</s>"));
  // Concepts count twice: one feature among a hundred n-grams would barely register after the L2
  // normalisation, and cross-validation on the training data favours double weight.
  const std::size_t before = out.size();
  add_concepts(masked, out);
  const std::size_t added = out.size() - before;
  for (std::size_t i = 0; i < added; ++i) out.push_back(out[before + i]);
  return out;
}

std::int64_t Classifier::find(std::uint64_t key) const {
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = (key ^ (key >> 29)) & mask;; i = (i + 1) & mask) {
    if (keys_[i] == key) return slots_[i];
    if (keys_[i] == 0) return -1;
  }
}

std::size_t Classifier::build_vocabulary(const std::vector<std::vector<std::uint64_t>>& features) {
  std::vector<std::uint64_t> all;
  for (const auto& f : features) all.insert(all.end(), f.begin(), f.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::size_t capacity = 16;
  while (capacity < all.size() * 2) capacity *= 2;
  keys_.assign(capacity, 0);
  slots_.assign(capacity, 0);
  const std::size_t mask = capacity - 1;
  for (std::uint32_t index = 0; index < all.size(); ++index) {
    std::size_t i = (all[index] ^ (all[index] >> 29)) & mask;
    while (keys_[i] != 0) i = (i + 1) & mask;
    keys_[i] = all[index];
    slots_[i] = index;
  }
  return all.size();
}

Classifier::Sparse Classifier::vectorize(std::vector<std::uint64_t> f) const {
  std::sort(f.begin(), f.end());
  Sparse x;
  double norm = 0;
  for (std::size_t i = 0; i < f.size();) {
    std::size_t j = i;
    while (j < f.size() && f[j] == f[i]) ++j;
    const double count = static_cast<double>(j - i);
    norm += count * count;
    if (const std::int64_t index = find(f[i]); index >= 0) {
      x.index.push_back(static_cast<std::uint32_t>(index));
      x.value.push_back(static_cast<float>(count));
    }
    i = j;
  }
  const float scale = norm > 0 ? static_cast<float>(1 / std::sqrt(norm)) : 0.f;
  for (float& v : x.value) v *= scale;
  return x;
}

void Classifier::scores_into(const Sparse& x, std::vector<double>& out) const {
  const std::size_t k = labels_.size();
  float z[kMaxLabels];
  std::copy(bias_.begin(), bias_.end(), z);
  for (std::size_t n = 0; n < x.index.size(); ++n) {
    const float* w = &weights_[static_cast<std::size_t>(x.index[n]) * k];
    const float v = x.value[n];
    for (std::size_t c = 0; c < k; ++c) z[c] += v * w[c];
  }
  out.assign(z, z + k);
}

std::vector<double> Classifier::scores(const Sparse& x) const {
  std::vector<double> out;
  scores_into(x, out);
  return out;
}

// Row-wise AdaGrad: one accumulator per feature (not per weight) keeps the per-n-gram step size
// that lets rare decisive n-grams learn quickly, at one square root per feature instead of per
// feature and label.
void Classifier::fit(const std::vector<Sparse>& xs, const std::vector<int>& ys, const std::vector<std::size_t>& rows,
                     const TrainOptions& options) {
  const std::size_t k = labels_.size();
  const std::size_t vocabulary = weights_.size() / k;
  std::fill(weights_.begin(), weights_.end(), 0.f);
  std::fill(bias_.begin(), bias_.end(), 0.f);
  std::vector<float> accumulator(vocabulary, 1e-6f);
  std::vector<float> bias_accumulator(k, 1e-6f);
  std::vector<std::size_t> order(rows);
  std::mt19937_64 rng(options.seed);
  const auto lr = static_cast<float>(options.learning_rate);
  const auto l2 = static_cast<float>(options.l2);
  std::vector<float> gradient(k);
  std::vector<double> p(k);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    shuffle(order, rng);
    for (const std::size_t row : order) {
      const Sparse& x = xs[row];
      scores_into(x, p);
      softmax(p, 1.0);
      float squared = 0;
      for (std::size_t c = 0; c < k; ++c) {
        gradient[c] = static_cast<float>(p[c]) - (static_cast<int>(c) == ys[row] ? 1.f : 0.f);
        squared += gradient[c] * gradient[c];
        bias_accumulator[c] += gradient[c] * gradient[c];
        bias_[c] -= lr * gradient[c] / std::sqrt(bias_accumulator[c]);
      }
      for (std::size_t n = 0; n < x.index.size(); ++n) {
        float* w = &weights_[static_cast<std::size_t>(x.index[n]) * k];
        const float v = x.value[n];
        float& g2 = accumulator[x.index[n]];
        g2 += v * v * squared / static_cast<float>(k);
        const float step = lr / std::sqrt(g2);
        for (std::size_t c = 0; c < k; ++c) w[c] -= step * (v * gradient[c] + l2 * w[c]);
      }
    }
  }
}

Classifier Classifier::train(const std::vector<LabelledText>& examples, const TrainOptions& options) {
  if (examples.empty()) throw std::invalid_argument("classifier: no training examples");
  Classifier model;
  for (const auto& e : examples) model.labels_.push_back(e.label);
  std::sort(model.labels_.begin(), model.labels_.end());
  model.labels_.erase(std::unique(model.labels_.begin(), model.labels_.end()), model.labels_.end());
  if (model.labels_.size() > kMaxLabels) throw std::invalid_argument("classifier: too many labels");

  std::vector<std::vector<std::uint64_t>> features;
  features.reserve(examples.size());
  for (const auto& e : examples) features.push_back(featurize(e.text));
  const std::size_t vocabulary = model.build_vocabulary(features);
  const std::size_t k = model.labels_.size();
  model.weights_.assign(vocabulary * k, 0.f);
  model.bias_.assign(k, 0.f);

  std::vector<Sparse> xs;
  std::vector<int> ys;
  for (const auto& e : examples) {
    xs.push_back(model.vectorize(std::move(features[xs.size()])));
    ys.push_back(static_cast<int>(std::lower_bound(model.labels_.begin(), model.labels_.end(), e.label) -
                                  model.labels_.begin()));
  }
  std::vector<std::size_t> rows(examples.size());
  std::iota(rows.begin(), rows.end(), 0);

  // Temperature: fit on a held-out slice, then retrain on everything with that temperature.
  const auto held = static_cast<std::size_t>(static_cast<double>(rows.size()) * options.calibration_share);
  if (held >= 20) {
    std::vector<std::size_t> order(rows);
    std::mt19937_64 rng(options.seed ^ 0x9e3779b97f4a7c15ull);
    shuffle(order, rng);
    const std::vector<std::size_t> calibration(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(held));
    const std::vector<std::size_t> rest(order.begin() + static_cast<std::ptrdiff_t>(held), order.end());
    model.fit(xs, ys, rest, options);
    std::vector<std::vector<double>> logits;
    for (const std::size_t row : calibration) logits.push_back(model.scores(xs[row]));
    const auto nll = [&](double t) {
      double loss = 0;
      for (std::size_t i = 0; i < calibration.size(); ++i) {
        std::vector<double> p = logits[i];
        softmax(p, t);
        loss -= std::log(std::max(p[static_cast<std::size_t>(ys[calibration[i]])], 1e-12));
      }
      return loss;
    };
    double lo = std::log(0.2), hi = std::log(5.0);  // golden-section search on log T
    const double phi = (std::sqrt(5.0) - 1) / 2;
    for (int i = 0; i < 40; ++i) {
      const double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
      if (nll(std::exp(a)) < nll(std::exp(b))) hi = b; else lo = a;
    }
    model.temperature_ = std::exp((lo + hi) / 2);
  }
  model.fit(xs, ys, rows, options);
  return model;
}

std::vector<std::pair<std::string, double>> Classifier::predict(std::string_view masked) const {
  std::vector<double> p = scores(vectorize(featurize(masked)));
  softmax(p, temperature_);
  std::vector<std::pair<std::string, double>> out;
  out.reserve(p.size());
  for (std::size_t c = 0; c < p.size(); ++c) out.emplace_back(labels_[c], p[c]);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::size_t Classifier::memory_bytes() const {
  return keys_.capacity() * sizeof(std::uint64_t) + slots_.capacity() * sizeof(std::uint32_t) +
         (weights_.capacity() + bias_.capacity()) * sizeof(float);
}

}  // namespace talentbot::intents

// Features of a masked, normalised message for the linear models of classifier.cpp: character
// 1–3-grams, ICU words and word bigrams (English ones stemmed), and hand-made concept cues.
#include "intents/classifier.hpp"

#include "intents/normalize.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>

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
                   "papers", "bring", "copies", "checklist", "prepare", "forms", "要带", "带上", "翻译件", "公证", "盖章",
                   "模板", "样表", "几份", "几寸", "底色", "translation", "notar", "stamp", "template", "what do i need"}},
    {"document", {"身份证", "户口本", "户口簿", "毕业证", "学位证", "护照", "结婚证", "出生证", "合同", "劳动合同", "证书",
                  "照片", "公章", "报告", "申请表", "推荐信", "成绩单", "无犯罪", "介绍信", "流水", "银行卡", "社保卡",
                  "房产证", "营业执照", "扫描件", "diploma", "passport", "certificate", "photo", "photos", "copy", "letter",
                  "transcript", "contract", "id card", "original"}},
    {"process", {"流程", "步骤", "手续", "怎么办", "怎么弄", "怎么申请", "如何", "去哪办", "哪里办", "在哪办", "哪个窗口",
                 "哪个部门", "在哪里办", "去哪", "多久", "几天", "时限", "网上", "线上", "现场", "先", "然后", "环节", "下一步",
                 "邮寄", "快递", "加急", "委托", "代办", "本人", "亲自", "到场", "跑几趟", "process", "steps", "procedure",
                 "how do i", "how to", "how long", "online", "in person", "where do i", "which window", "next step",
                 "by post", "on my behalf", "办理时间", "工作日", "截止", "报名", "几月", "领取", "怎么领", "怎么拿",
                 "怎么补", "续签", "续期", "咋弄", "咋办", "程序", "deadline", "pick up", "collect", "renew", "timeline",
                 "找谁", "谁办", "谁负责", "去哪里", "受理", "提交", "办下来", "多长时间能", "什么时候能", "跑一趟", "代领",
                 "寄过去", "排队", "先办", "怎么操作", "如何办理", "who handles", "which office", "where to", "how many days",
                 "first step", "mail it", "queue"}},
    {"policy", {"条件", "资格", "符合", "能不能", "可不可以", "有没有", "多少钱", "待遇", "政策", "优惠", "标准", "规定", "范围",
                "享受", "算不算", "是否", "eligible", "eligibility", "qualify", "policy", "benefit", "benefits", "entitled",
                "is there", "does the", "cover", "criteria", "有效期", "过期", "期限", "收费", "费用", "免费", "要钱", "报销",
                "门槛", "限制", "名额", "上限", "区别", "一回事", "档次", "类别", "几类", "必须", "allowed", "free", "fee",
                "cost", "how much", "limit", "difference", "valid", "expire", "required to", "do i need a",
                "能享受", "有资格", "够不够", "够条件", "能领", "能拿", "给多少", "多少年", "管几年", "怎么算", "怎么计算",
                "按什么", "标准是", "会不会", "影响", "count as", "counts as", "can i get", "do i qualify", "entitle",
                "valid for", "calculated", "what do i get"}},
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
                 "number", "call", "热线", "座机", "几点", "开门", "关门", "上班", "位置", "办公", "hotline", "opening",
                 "located", "location", "floor"}},
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
  std::vector<Cue> cues;  // sorted by their first two bytes
  std::vector<std::uint32_t> first;  // first[p]..first[p + 1]: the cues whose first two bytes are p
  std::uint64_t no_domain = feature_id('c', "no-domain");

  static std::size_t prefix(std::string_view text, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
    return byte(pos) << 8 | byte(pos + 1);
  }

  CueIndex() {
    for (const auto& group : kConcepts) {
      for (const auto cue : group.cues) {
        cues.push_back({std::string(cue), feature_id('c', group.name), static_cast<unsigned char>(cue.front()) < 0x80});
      }
    }
    std::stable_sort(cues.begin(), cues.end(),
                     [](const Cue& a, const Cue& b) { return prefix(a.text, 0) < prefix(b.text, 0); });
    first.assign(0x10001, 0);
    for (const auto& cue : cues) ++first[prefix(cue.text, 0) + 1];
    for (std::size_t p = 1; p < first.size(); ++p) first[p] += first[p - 1];
  }
};

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

void add_concepts(std::string_view text, std::vector<std::uint64_t>& out) {
  static const CueIndex index;
  static const std::uint64_t domain = feature_id('c', "domain");
  bool in_domain = text.find(kServiceSlot) != std::string_view::npos;
  const std::size_t first = out.size();
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const std::size_t p = CueIndex::prefix(text, pos);
    for (std::uint32_t i = index.first[p]; i < index.first[p + 1]; ++i) {
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

// Crude English suffix stripping, so documents/document, applying/apply and approved/approve share a
// word feature (roughly the first step of Porter's stemmer).
std::string english_stem(std::string w) {
  const auto cut = [&](std::string_view suffix, std::string_view replacement, std::size_t min_left) {
    if (w.size() < suffix.size() + min_left || !w.ends_with(suffix)) return false;
    w.resize(w.size() - suffix.size());
    w.append(replacement);
    return true;
  };
  cut("ies", "y", 2) || cut("ied", "y", 2) || cut("ing", "", 3) || cut("ed", "", 3) || cut("es", "", 3) ||
      (!w.ends_with("ss") && cut("s", "", 3));
  return w;
}

// The question usually closes the message: a long story (我是去年回来的博士 孩子六岁 …) comes
// first, 怎么办 / 能不能 / what do I need last, and the story's words pull towards whatever intent
// they were seen with. The character bigrams of the last clause (after the last , . ? ! ;), at
// most its last kQuestionEnd characters, are features of their own, so the model can weigh the
// question above the story. Bigrams only: trigrams there added a third to the vocabulary (most
// of them seen once) and a sixth to the load time for a gain within the noise of cross-validation
// and the development set.
constexpr std::size_t kQuestionEnd = 10;

bool clause_break(std::string_view c) { return c == "," || c == "." || c == "?" || c == "!" || c == ";"; }

void add_question_end(std::string_view marked, const std::vector<std::size_t>& offsets,
                      std::vector<std::uint64_t>& out) {
  const auto at = [&](std::size_t i) { return marked.substr(offsets[i], offsets[i + 1] - offsets[i]); };
  std::size_t end = offsets.size() - 2;  // the end mark
  while (end > 1 && clause_break(at(end - 1))) --end;
  std::size_t begin = end;
  while (begin > 1 && end - begin < kQuestionEnd && !clause_break(at(begin - 1))) --begin;
  for (std::size_t i = begin; i + 2 <= end; ++i) {
    out.push_back(feature_id('t', marked.substr(offsets[i], offsets[i + 2] - offsets[i])));
  }
}

}  // namespace

std::vector<std::uint64_t> featurize(std::string_view masked, bool with_words) {
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
  out.reserve(chars * 3 + 64);
  for (std::size_t n = 1; n <= 3; ++n) {
    for (std::size_t i = 0; i + n <= chars; ++i) {
      const std::string_view gram(marked.data() + offsets[i], offsets[i + n] - offsets[i]);
      if (n == 1 && (i == 0 || i + 1 == chars || gram == " ")) continue;
      out.push_back(feature_id(static_cast<char>('0' + n), gram));
    }
  }
  // Only for the intent model (the one with word features): the service model reads the topic,
  // which the story tells as well as the question.
  if (with_words) add_question_end(marked, offsets, out);
  // Words count twice: a word is one unit of meaning where its characters make three to six
  // n-grams, and cross-validation favours the double weight (+0.5 points on the dev set).
  const std::vector<std::string> words = with_words ? segment_words(masked) : std::vector<std::string>();
  std::string_view prev = "<s>";
  for (const auto& w : words) {
    const std::uint64_t word = feature_id('w', w), bigram = feature_id('b', prev, w);
    out.insert(out.end(), {word, word, bigram, bigram});
    if (static_cast<unsigned char>(w.front()) < 0x80 && w.size() > 3) {
      if (const std::string stem = english_stem(w); stem != w) out.insert(out.end(), 2, feature_id('w', stem));
    }
    prev = w;
  }
  if (with_words) out.insert(out.end(), 2, feature_id('b', prev, "</s>"));
  // Concepts count twice too: one feature among a hundred n-grams would barely register after the
  // L2 normalisation.
  const std::size_t before = out.size();
  add_concepts(masked, out);
  const std::size_t added = out.size() - before;
  for (std::size_t i = 0; i < added; ++i) out.push_back(out[before + i]);
  return out;
}

}  // namespace talentbot::intents

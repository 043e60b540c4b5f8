#include "intents/classifier.hpp"

#include <algorithm>
#include <cmath>
#include <future>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>

namespace talentbot::intents {
namespace {

void softmax(double* z, std::size_t k, double temperature) {
  const double top = *std::max_element(z, z + k);
  double sum = 0;
  for (std::size_t c = 0; c < k; ++c) sum += z[c] = std::exp((z[c] - top) / temperature);
  for (std::size_t c = 0; c < k; ++c) z[c] /= sum;
}

// Deterministic across standard libraries, unlike std::shuffle's use of the engine.
void shuffle(std::vector<std::size_t>& rows, std::mt19937_64& rng) {
  for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
}

// z = b + Σ x·W over the labels, for a weight matrix that is not (yet) the model's.
void score(const float* weights, const float* bias, std::size_t k, std::span<const std::uint32_t> index,
           std::span<const float> value, float* z) {
  std::copy(bias, bias + k, z);
  for (std::size_t n = 0; n < index.size(); ++n) {
    const float* w = weights + static_cast<std::size_t>(index[n]) * k;
    const float v = value[n];
    for (std::size_t c = 0; c < k; ++c) z[c] += v * w[c];
  }
}

// The softmax temperature T minimising the log-loss of held-out logits. The loss is convex in
// β = 1/T (a log-sum-exp minus a linear term), so Newton's method on β converges in a few passes.
double fit_temperature(const std::vector<std::vector<double>>& logits, const std::vector<int>& truth) {
  double beta = 1;
  for (int iteration = 0; iteration < 20; ++iteration) {
    double gradient = 0, curvature = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
      const auto& z = logits[i];
      const double top = *std::max_element(z.begin(), z.end());
      double sum = 0, mean = 0, square = 0;
      for (const double v : z) {
        const double e = std::exp(beta * (v - top));
        sum += e, mean += e * v, square += e * v * v;
      }
      mean /= sum, square /= sum;
      gradient += mean - z[static_cast<std::size_t>(truth[i])];  // d loss / d β
      curvature += square - mean * mean;                          // the logits' variance under p
    }
    if (curvature <= 0) break;
    const double next = std::clamp(beta - gradient / curvature, 0.2, 5.0);
    const bool converged = std::abs(next - beta) < 1e-6;
    beta = next;
    if (converged) break;
  }
  return 1 / beta;
}

// xorshift64*: the feature dropout draws once per feature and visit, where the Mersenne twister
// cost a tenth of the training time.
struct FastRandom {
  std::uint64_t state;
  std::uint64_t operator()() {
    state ^= state >> 12, state ^= state << 25, state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
};

}  // namespace

std::int64_t Classifier::find(std::uint64_t key) const {
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = (key ^ (key >> 29)) & mask;; i = (i + 1) & mask) {
    if (keys_[i] == key) return slots_[i];
    if (keys_[i] == 0) return -1;
  }
}

std::size_t Classifier::build_vocabulary(const std::vector<std::vector<std::uint64_t>>& features) {
  // Distinct ids in order of first appearance, deduplicated through a scratch hash table (sorting
  // the half million ids instead cost a tenth of the load time). The order only names the rows of
  // the weight matrix; each feature's weights are learnt the same whatever its row. The table
  // grows with the distinct ids (about one in ten of all), not with all of them: sized for the
  // million ids of the training lines it was 16 MB to zero and fault in, twice per load.
  std::size_t capacity = 1 << 16;
  std::vector<std::uint64_t> seen(capacity, 0);
  std::vector<std::uint64_t> distinct;
  std::size_t mask = capacity - 1;
  const auto insert = [&](std::uint64_t key) {
    std::size_t i = (key ^ (key >> 29)) & mask;
    while (seen[i] != 0 && seen[i] != key) i = (i + 1) & mask;
    if (seen[i] != 0) return false;
    seen[i] = key;
    return true;
  };
  for (const auto& f : features) {
    for (const std::uint64_t key : f) {
      if (!insert(key)) continue;
      distinct.push_back(key);
      if (distinct.size() * 2 > capacity) {
        capacity *= 2, mask = capacity - 1;
        seen.assign(capacity, 0);
        for (const std::uint64_t k : distinct) insert(k);
      }
    }
  }
  capacity = 16;
  while (capacity < distinct.size() * 2) capacity *= 2;
  keys_.assign(capacity, 0);
  slots_.assign(capacity, 0);
  mask = capacity - 1;
  for (std::uint32_t index = 0; index < distinct.size(); ++index) {
    std::size_t i = (distinct[index] ^ (distinct[index] >> 29)) & mask;
    while (keys_[i] != 0) i = (i + 1) & mask;
    keys_[i] = distinct[index];
    slots_[i] = index;
  }
  return distinct.size();
}

Classifier::Sparse Classifier::vectorize(std::vector<std::uint64_t> f) const {
  // Counts per distinct feature through a small open-addressing table (a message has a few hundred
  // features; sorting them cost a tenth of the training time). Features keep the order of their
  // first appearance, so the sums over them, and the model, are the same on every run.
  std::size_t capacity = 64;
  while (capacity < f.size() * 2) capacity *= 2;
  std::vector<std::uint64_t> seen(capacity, 0);
  std::vector<std::uint32_t> slot(capacity);
  std::vector<std::uint64_t> distinct;
  std::vector<float> count;
  const std::size_t mask = capacity - 1;
  for (const std::uint64_t key : f) {
    std::size_t i = (key ^ (key >> 29)) & mask;
    while (seen[i] != 0 && seen[i] != key) i = (i + 1) & mask;
    if (seen[i] == 0) {
      seen[i] = key, slot[i] = static_cast<std::uint32_t>(distinct.size());
      distinct.push_back(key), count.push_back(0.f);
    }
    count[slot[i]] += 1.f;
  }
  Sparse x;
  double norm = 0;
  for (std::size_t d = 0; d < distinct.size(); ++d) {
    norm += static_cast<double>(count[d]) * count[d];
    if (const std::int64_t index = find(distinct[d]); index >= 0) {
      x.index.push_back(static_cast<std::uint32_t>(index));
      x.value.push_back(count[d]);
    }
  }
  const float scale = norm > 0 ? static_cast<float>(1 / std::sqrt(norm)) : 0.f;
  for (float& v : x.value) v *= scale;
  return x;
}

void Classifier::scores_into(const Sparse& x, std::vector<double>& out) const {
  const std::size_t k = labels_.size();
  float z[kMaxLabels];
  score(weights_.data(), bias_.data(), k, x.index, x.value, z);
  out.assign(z, z + k);
}

std::vector<double> Classifier::scores(const Sparse& x) const {
  std::vector<double> out;
  scores_into(x, out);
  return out;
}

// Multinomial logistic regression by SGD with row-wise AdaGrad: one accumulator per feature (not
// per weight) keeps the per-n-gram step size that lets rare decisive n-grams (转人工, 改约) learn
// quickly, at one square root per feature instead of per feature and label. Each epoch visits the
// rows in a new seeded order and drops a fifth of each row's features (rescaling the rest), so the
// model cannot lean on one n-gram where the message offers several cues.
Classifier::Fit Classifier::fit(const std::vector<Sparse>& xs, const std::vector<int>& ys,
                                const std::vector<std::size_t>& rows, const TrainOptions& options,
                                std::uint64_t seed) const {
  constexpr float kKeep = 1 - kFeatureDropout;
  const std::size_t k = labels_.size();
  const std::size_t vocabulary = keys_.empty() ? 0 : weights_.size() / k;
  Fit f{std::vector<float>(vocabulary * k, 0.f), std::vector<float>(k, 0.f)};
  std::vector<float> accumulator(vocabulary, 1e-6f);
  std::vector<float> bias_accumulator(k, 1e-6f);
  std::vector<std::size_t> order(rows);
  std::mt19937_64 rng(seed);
  FastRandom drop{seed | 1};
  const auto lr = static_cast<float>(options.learning_rate);
  const auto l2 = static_cast<float>(options.l2);
  float gradient[kMaxLabels];
  float z[kMaxLabels];
  std::vector<std::uint32_t> index;
  std::vector<float> value;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    shuffle(order, rng);
    for (const std::size_t row : order) {
      index.clear(), value.clear();
      for (std::size_t n = 0; n < xs[row].index.size(); ++n) {
        if (static_cast<float>(drop() >> 40) * 0x1p-24f < kFeatureDropout) continue;
        index.push_back(xs[row].index[n]);
        value.push_back(xs[row].value[n] / kKeep);
      }
      score(f.weights.data(), f.bias.data(), k, index, value, z);
      // The softmax in single precision: the gradient is a float anyway.
      const float top = *std::max_element(z, z + k);
      float sum = 0;
      for (std::size_t c = 0; c < k; ++c) sum += z[c] = std::exp(z[c] - top);
      float squared = 0;
      for (std::size_t c = 0; c < k; ++c) {
        gradient[c] = z[c] / sum - (static_cast<int>(c) == ys[row] ? 1.f : 0.f);
        squared += gradient[c] * gradient[c];
        bias_accumulator[c] += gradient[c] * gradient[c];
        f.bias[c] -= lr * gradient[c] / std::sqrt(bias_accumulator[c]);
      }
      // Labels whose gradient is negligible (the model already gives them next to nothing) are
      // left alone: after the first epoch that is most of them, and their update would be noise.
      std::size_t active[kMaxLabels], live = 0;
      for (std::size_t c = 0; c < k; ++c) {
        if (std::abs(gradient[c]) > 1e-3f) active[live++] = c;
      }
      for (std::size_t n = 0; n < index.size(); ++n) {
        float* w = &f.weights[static_cast<std::size_t>(index[n]) * k];
        const float v = value[n];
        float& g2 = accumulator[index[n]];
        g2 += v * v * squared / static_cast<float>(k);
        const float step = lr / std::sqrt(g2);
        for (std::size_t a = 0; a < live; ++a) {
          float& weight = w[active[a]];
          weight -= step * (v * gradient[active[a]] + l2 * weight);
        }
      }
    }
  }
  return f;
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
  model.words_ = options.words;
  for (const auto& e : examples) features.push_back(featurize(e.text, model.words_));
  const std::size_t vocabulary = model.build_vocabulary(features);
  const std::size_t k = model.labels_.size();
  model.weights_.assign(vocabulary * k, 0.f);
  model.bias_.assign(k, 0.f);

  std::vector<Sparse> xs;
  std::vector<int> ys;
  xs.reserve(examples.size());
  for (const auto& e : examples) {
    xs.push_back(model.vectorize(std::move(features[xs.size()])));
    ys.push_back(static_cast<int>(std::lower_bound(model.labels_.begin(), model.labels_.end(), e.label) -
                                  model.labels_.begin()));
  }

  // Members: fits in different seeded orders, averaged; the average of linear models is the
  // average of their logits. Averaging takes out most of the run-to-run spread of SGD (one fit's
  // held-out accuracy moves by ±1 point with the shuffle, five fits' average by ±0.4). The last
  // member holds a slice out, so its logits there are out of sample: the softmax temperature is
  // fitted on them (the cross-validated reliability tables show a member trained on a slice less is
  // as sharp as the average). The average still sees every row through the other members; a single
  // member gets a separate calibration fit instead.
  const std::size_t members = static_cast<std::size_t>(std::max(1, options.members));
  std::vector<std::size_t> all(xs.size());
  std::iota(all.begin(), all.end(), 0);
  std::mt19937_64 rng(options.seed ^ 0x9e3779b97f4a7c15ull);
  shuffle(all, rng);
  const auto held = static_cast<std::size_t>(static_cast<double>(xs.size()) * options.calibration_share);
  const bool calibrate = held >= 20 && held < xs.size();
  const auto split = all.begin() + static_cast<std::ptrdiff_t>(calibrate ? held : 0);
  const std::vector<std::size_t> calibration_rows(all.begin(), split);
  const std::vector<std::size_t> rest(split, all.end());
  // Every fit runs on its own thread: a fit only reads the shared rows and writes its own weights,
  // so the result does not depend on scheduling.
  const auto rows_of = [&](std::size_t m) -> const std::vector<std::size_t>& {
    return calibrate && m + 1 == std::max<std::size_t>(members, 2) ? rest : all;
  };
  std::vector<std::future<Fit>> running;
  for (std::size_t m = 1; m < std::max<std::size_t>(members, calibrate ? 2 : 1); ++m) {
    running.push_back(std::async(std::launch::async, [&, m] {
      return model.fit(xs, ys, rows_of(m), options, options.seed + 7919 * m);
    }));
  }
  std::vector<Fit> fits;
  fits.push_back(model.fit(xs, ys, rows_of(0), options, options.seed));
  for (auto& r : running) fits.push_back(r.get());

  std::vector<std::vector<double>> logits;
  std::vector<int> truth;
  if (calibrate) {
    const Fit& probe = fits.back();
    float z[kMaxLabels];
    for (const std::size_t row : calibration_rows) {
      score(probe.weights.data(), probe.bias.data(), k, xs[row].index, xs[row].value, z);
      logits.emplace_back(z, z + k);
      truth.push_back(ys[row]);
    }
  }
  fits.resize(members);  // a single member's calibration fit is not part of the model
  for (std::size_t i = 0; i < model.weights_.size(); ++i) {
    float sum = 0;
    for (const auto& f : fits) sum += f.weights[i];
    model.weights_[i] = sum / static_cast<float>(members);
  }
  for (std::size_t c = 0; c < k; ++c) {
    float sum = 0;
    for (const auto& f : fits) sum += f.bias[c];
    model.bias_[c] = sum / static_cast<float>(members);
  }
  if (!logits.empty()) model.temperature_ = fit_temperature(logits, truth);
  return model;
}

std::vector<std::pair<std::string, double>> Classifier::predict(std::string_view masked) const {
  std::vector<double> p = scores(vectorize(featurize(masked, words_)));
  softmax(p.data(), p.size(), temperature_);
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

#include "storage/error.hpp"

namespace talentbot::storage {
namespace {

class Category final : public boost::system::error_category {
 public:
  char const* name() const noexcept override { return "talentbot.storage"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::disconnected: return "redis is not connected";
      case errc::timeout: return "redis command timed out";
      case errc::connection_lost: return "redis connection lost before the reply";
      case errc::protocol: return "redis protocol error";
      case errc::server_error: return "redis returned an error";
      case errc::unexpected_reply: return "unexpected redis reply type";
      case errc::spawn_failed: return "could not start redis-server";
    }
    return "unknown storage error";
  }
};

}  // namespace

boost::system::error_category const& storage_category() noexcept {
  static Category const category;
  return category;
}

}  // namespace talentbot::storage

// Asio and Beast are built in separate-compilation mode (see storage/CMakeLists.txt): their
// implementation is compiled here once instead of in every translation unit that includes them,
// which keeps the 2-core build short. This library is the lowest one that uses Asio.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>

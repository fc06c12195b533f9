#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/check_test_support.h"

namespace kdiag {
namespace {}  // namespace
}  // namespace kdiag

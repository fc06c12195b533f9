// Making a container's log tail safe to show in a finding: secrets it prints are masked, text
// that is not valid UTF-8 is replaced (findings are JSON), and only the last lines are kept.
#pragma once

#include <cstddef>
#include <string>

namespace kdiag {

// The most a redacted log tail keeps: findings are stored in the Diagnosis status.
inline constexpr size_t kLogTailLimit = 2048;

// Masks values after password=, token=, secret=, api_key= (and ":" forms, quoted or not),
// "Authorization: Bearer/Basic <credentials>", AWS access key ids and long base64 or hex
// blobs; then keeps the last whole lines fitting in kLogTailLimit bytes.
std::string RedactLogTail(const std::string& text);

}  // namespace kdiag
